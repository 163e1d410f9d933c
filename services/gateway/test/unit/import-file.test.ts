/** Reading an import file: CSV (either separator, BOM, quotes) and JSON lines; only its shape is checked here. */
import { ImportFileError, MAX_ROW_CHARACTERS, detectDelimiter, parseImportFile } from '../../src/import-file.js';

const HEADER = 'niss;firstName;lastName;title;language;email;companyEmail;username;applications';

describe('CSV', () => {
  test('when the header uses ;, then ; separates the cells, applications split on |, empty cells are absent', () => {
    const rows = parseImportFile(`${HEADER}\n85073003328;Émile;Dupont;;fr;;;emiledupont;dimona| drs\n`, 'text/csv');
    expect(rows).toEqual([{ row: 1, values: { niss: '85073003328', firstName: 'Émile', lastName: 'Dupont', language: 'fr', username: 'emiledupont', applications: ['dimona', 'drs'] } }]);
  });

  test('when the file starts with a BOM, uses , and CRLF, and quotes cells holding the separator or quotes, then the cells are read as written', () => {
    const file = '\uFEFFniss,firstName,lastName,language,title\r\n85073003328,"Anne, Marie","O""Neil",nl,"Dr."\r\n';
    expect(parseImportFile(file, 'text/csv')).toEqual([{ row: 1, values: { niss: '85073003328', firstName: 'Anne, Marie', lastName: 'O"Neil', language: 'nl', title: 'Dr.' } }]);
  });

  test('when the header has ; anywhere, then ; is the separator; else ,', () => {
    expect(detectDelimiter('niss;firstName')).toBe(';');
    expect(detectDelimiter('niss,firstName')).toBe(',');
  });

  test('when a row has another number of cells than the header, then that row alone is malformed', () => {
    const rows = parseImportFile('niss;firstName;lastName;language\n1;2;3\n85073003328;A;B;fr\n', 'text/csv');
    expect(rows[0]).toEqual({ row: 1, values: {}, malformed: expect.stringContaining('3 cell(s)') });
    expect(rows[1]).toEqual({ row: 2, values: { niss: '85073003328', firstName: 'A', lastName: 'B', language: 'fr' } });
  });

  test('when a row is longer than any real one, then it is malformed and its cells are not kept', () => {
    const rows = parseImportFile(`niss;firstName;lastName;language\n1;${'a'.repeat(MAX_ROW_CHARACTERS)};b;fr\n`, 'text/csv');
    expect(rows).toEqual([{ row: 1, values: {}, malformed: expect.stringContaining('characters') }]);
  });

  test.each([
    ['an unknown column', 'niss;firstName;lastName;language;password\n', 'unknown column(s) password'],
    ['a missing required column', 'niss;firstName;language\n', 'missing column(s) lastName'],
    ['a repeated column', 'niss;firstName;lastName;language;niss\n', 'repeated column(s) niss'],
  ])('when the header has %s, then the whole file is refused naming the header', (_label, file, message) => {
    let error: unknown;
    try {
      parseImportFile(file, 'text/csv');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).errors).toEqual([expect.objectContaining({ field: 'header', message: expect.stringContaining(message) })]);
  });

  test('when the file has a header and no row, or more than 10,000 rows, then it is refused', () => {
    expect(() => parseImportFile(`${HEADER}\n`, 'text/csv')).toThrow(ImportFileError);
    const many = `${HEADER}\n${'85073003328;A;B;;fr;;;abcdefgh;\n'.repeat(10_001)}`;
    expect(() => parseImportFile(many, 'text/csv')).toThrow('at most 10000 rows');
  });

  test('when a quote is never closed, then the file is refused', () => {
    expect(() => parseImportFile(`${HEADER}\n"85073003328;A;B;;fr;;;abcdefgh;\n`, 'text/csv')).toThrow(ImportFileError);
  });
});

describe('JSON lines', () => {
  test('when each line is an object, then it is a row as sent; blank lines are skipped; a line that is no object is malformed', () => {
    const rows = parseImportFile('{"niss":"85073003328","applications":["ebox"]}\n\n[1]\nnope\n', 'application/x-ndjson');
    expect(rows).toEqual([
      { row: 1, values: { niss: '85073003328', applications: ['ebox'] } },
      { row: 2, values: {}, malformed: 'this line is not a JSON object' },
      { row: 3, values: {}, malformed: 'this line is not JSON' },
    ]);
  });
});
