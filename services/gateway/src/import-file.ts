/**
 * Reads a bulk-import file into rows (docs/import.md): CSV (`text/csv`, UTF-8 with or without BOM,
 * `;` or `,` as found in the header row, quoted cells as RFC 4180) or JSON lines
 * (`application/x-ndjson`, one object per line). Only the file's shape is checked here — header,
 * number of rows, a line that is no row at all; every rule of a row is user-management's.
 */
import { parse } from 'csv-parse/sync';
import { IMPORT_COLUMNS, IMPORT_MAX_ROWS, IMPORT_REQUIRED_COLUMNS, splitApplications, type ImportColumn } from '@um/domain';
import type { FieldError, ImportInputRow } from '@um/contracts';

export const IMPORT_MEDIA_TYPES = ['text/csv', 'application/x-ndjson'] as const;
export type ImportMediaType = (typeof IMPORT_MEDIA_TYPES)[number];

/** Above any real row (about 1,500 characters with every field at its maximum): such a line is refused alone. */
export const MAX_ROW_CHARACTERS = 2_000;

export class ImportFileError extends Error {
  constructor(
    message: string,
    readonly errors: FieldError[],
  ) {
    super(message);
  }
}

const fileError = (field: string, message: string) => new ImportFileError(message, [{ field, code: 'VALIDATION_FAILED', message }]);

const BOM = '\uFEFF';

export function parseImportFile(text: string, mediaType: ImportMediaType): ImportInputRow[] {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  const rows = mediaType === 'text/csv' ? csvRows(body) : ndjsonRows(body);
  if (rows.length === 0) throw fileError('rows', 'the file has no rows');
  if (rows.length > IMPORT_MAX_ROWS) throw fileError('rows', `at most ${IMPORT_MAX_ROWS} rows per file (found ${rows.length}): split it`);
  return rows;
}

/** `;` when the header row has one, else `,` (no column name contains either). */
export function detectDelimiter(headerLine: string): ';' | ',' {
  return headerLine.includes(';') ? ';' : ',';
}

function tooLong(row: number): ImportInputRow {
  return { row, values: {}, malformed: `a row of more than ${MAX_ROW_CHARACTERS} characters` };
}

function csvRows(body: string): ImportInputRow[] {
  const headerLine = body.slice(0, body.search(/\r?\n|$/));
  let records: string[][];
  try {
    records = parse(body, { delimiter: detectDelimiter(headerLine), relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (err) {
    throw fileError('file', `the CSV cannot be read: ${(err as Error).message}`);
  }
  const [header, ...data] = records;
  if (!header) return [];
  const columns = header.map((h) => h.trim());
  const unknown = columns.filter((c) => !(IMPORT_COLUMNS as readonly string[]).includes(c));
  const missing = IMPORT_REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (unknown.length || missing.length || repeated.length) {
    const message = [
      unknown.length ? `unknown column(s) ${unknown.join(', ')}` : '',
      missing.length ? `missing column(s) ${missing.join(', ')}` : '',
      repeated.length ? `repeated column(s) ${repeated.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    throw fileError('header', `${message} (the header is ${IMPORT_COLUMNS.join(';')})`);
  }
  return data.map((cells, index) => {
    const row = index + 1;
    if (cells.length !== columns.length) return { row, values: {}, malformed: `${cells.length} cell(s) where the header has ${columns.length}` };
    if (cells.reduce((n, c) => n + c.length, 0) > MAX_ROW_CHARACTERS) return tooLong(row);
    const values: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      const cell = cells[i]!.trim();
      if (cell === '') return;
      values[column] = (column as ImportColumn) === 'applications' ? splitApplications(cell) : cell;
    });
    return { row, values };
  });
}

function ndjsonRows(body: string): ImportInputRow[] {
  const lines = body.split(/\r?\n/).filter((line) => line.trim() !== '');
  return lines.map((line, index) => {
    const row = index + 1;
    if (line.length > MAX_ROW_CHARACTERS) return tooLong(row);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return { row, values: {}, malformed: 'this line is not JSON' };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { row, values: {}, malformed: 'this line is not a JSON object' };
    return { row, values: value as Record<string, unknown> };
  });
}
