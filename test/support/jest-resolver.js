// Maps relative `./x.js` imports to `./x.ts` when the TypeScript source exists.
const fs = require('node:fs');
const path = require('node:path');

module.exports = (request, options) => {
  if (request.startsWith('.') && request.endsWith('.js')) {
    const ts = path.resolve(options.basedir, request.slice(0, -3) + '.ts');
    if (fs.existsSync(ts)) return ts;
  }
  return options.defaultResolver(request, options);
};
