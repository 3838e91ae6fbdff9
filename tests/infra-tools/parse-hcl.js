// Parses Terraform files with HashiCorp's HCL parser (@cdktf/hcl2json, a WebAssembly build: works offline).
// Usage: node parse-hcl.js FILE...        parses the files, prints the result, exits
//        node parse-hcl.js --serve         reads one JSON array of file paths per line on stdin and answers each
//                                          with one result line (the parser is loaded once: tests ask many times)
// Prints one JSON object:
//   { "files": { FILE: <the file's blocks as JSON> },
//     "references": { FILE: [ { "at": "output.url[0].value", "ref": "aws_lb.this.dns_name" }, ... ] },
//     "errors": [ "FILE:LINE,COL-LINE,COL: summary; detail", ... ],
//     "unformatted": [ FILE, ... ] }   (files that hclwrite's Format, what terraform fmt runs, would change)
// References are found by the same parser (each "${...}" expression's traversals), not by pattern matching.
// Exit code 0 when it ran (syntax errors are in "errors"), 2 on bad usage.
'use strict';
const fs = require('fs');
const { parse, getReferencesInExpression } = require('@cdktf/hcl2json');
const { format } = require('@cdktf/hcl-tools');

async function collect(file, node, at, out) {
  if (typeof node === 'string') {
    if (node.includes('${')) {
      for (const r of await getReferencesInExpression(file, node)) out.push({ at, ref: r.value });
    }
  } else if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) await collect(file, node[i], `${at}[${i}]`, out);
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) await collect(file, v, at ? `${at}.${k}` : k, out);
  }
}

async function parseFiles(paths) {
  const result = { files: {}, references: {}, errors: [], unformatted: [] };
  for (const path of paths) {
    let body, text;
    try {
      text = fs.readFileSync(path, 'utf8');
      body = await parse(path, text);
    } catch (e) {
      // The parser's message names the file, line and column: "parse config: [a.tf:7,32-8,1: Summary; detail]".
      result.errors.push(String(e && e.message ? e.message : e).replace(/^(Error: )?parse config: \[(.*)\]$/s, '$2'));
      continue;
    }
    result.files[path] = body;
    if ((await format(text)) !== text) result.unformatted.push(path);
    const refs = [];
    await collect(path, body, '', refs);
    result.references[path] = refs;
  }
  return result;
}

async function serve() {
  const lines = require('readline').createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    process.stdout.write(JSON.stringify(await parseFiles(JSON.parse(line))) + '\n');
  }
  return 0;
}

async function main(args) {
  if (args.length === 1 && args[0] === '--serve') return serve();
  if (args.length === 0 || args.includes('--serve')) {
    process.stderr.write('usage: node parse-hcl.js FILE... | node parse-hcl.js --serve\n');
    return 2;
  }
  process.stdout.write(JSON.stringify(await parseFiles(args)));
  return 0;
}

main(process.argv.slice(2)).then(code => { process.exitCode = code; }, e => { process.stderr.write(String(e) + '\n'); process.exitCode = 1; });
