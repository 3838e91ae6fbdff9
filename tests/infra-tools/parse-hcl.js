// Parses Terraform files with HashiCorp's HCL parser (@cdktf/hcl2json, a WebAssembly build: works offline).
// Usage: node parse-hcl.js FILE...
// Prints one JSON object: { "files": { FILE: <the file as JSON> }, "errors": ["FILE:LINE,COL: message", ...] }.
// Exit code 0 when it ran (syntax errors are in "errors"), 2 on bad usage.
'use strict';
const fs = require('fs');
const { parse } = require('@cdktf/hcl2json');

async function main(paths) {
  if (paths.length === 0) {
    process.stderr.write('usage: node parse-hcl.js FILE...\n');
    return 2;
  }
  const result = { files: {}, errors: [] };
  for (const path of paths) {
    try {
      result.files[path] = await parse(path, fs.readFileSync(path, 'utf8'));
    } catch (e) {
      // The parser's message names the file, line and column: "parse config: [a.tf:7,32-8,1: Summary; detail]".
      result.errors.push(String(e && e.message ? e.message : e).replace(/^(Error: )?parse config: \[(.*)\]$/s, '$2'));
    }
  }
  process.stdout.write(JSON.stringify(result));
  return 0;
}

main(process.argv.slice(2)).then(code => { process.exitCode = code; }, e => { process.stderr.write(String(e) + '\n'); process.exitCode = 1; });
