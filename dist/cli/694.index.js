export const id = 694;
export const ids = [694];
export const modules = {

/***/ 2694:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   takeSafetyCopies: () => (/* binding */ takeSafetyCopies)
/* harmony export */ });
/* unused harmony export copyToCsv */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6466);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_stream_promises__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var pg__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3849);
/* harmony import */ var _source_destroys_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3970);
// Safety copies (issue 9): before a script that drops a table or a column, or
// truncates, runs, the rows it destroys are copied to CSV with COPY ... TO STDOUT.
// Taken on the migration connection, under the run lock, just before the
// script's transaction: the rows as they are when the migration starts.





const safeName = (s) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120);
/** The table's primary-key columns, in key order ([] without a key). */
async function keyColumns(client, regclass) {
    const r = await client.query(`SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`, [regclass]);
    return r.rows.map((x) => x.attname);
}
/** COPY (query) TO STDOUT as CSV with a header into `file`; the number of rows. */
async function copyToCsv(client, query, file) {
    // Imported here: only a run that copies rows loads it (a no-op run never does).
    const { to: copyTo } = await __webpack_require__.e(/* import() */ 901).then(__webpack_require__.t.bind(__webpack_require__, 6901, 19));
    const stream = client.query(copyTo(`COPY (${query}) TO STDOUT WITH (FORMAT csv, HEADER)`));
    await (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_2__.pipeline)(stream, (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.createWriteStream)(file, { mode: 0o600 }));
    return stream.rowCount;
}
/**
 * Copies what `script` would destroy into `dir`. Objects the script itself creates
 * first (absent now) hold nothing yet and are skipped; so are empty tables and columns.
 */
async function takeSafetyCopies(client, dir, migration, script, label = migration) {
    const copies = [];
    for (const s of script.statements) {
        for (const d of (0,_source_destroys_js__WEBPACK_IMPORTED_MODULE_4__/* .destroyedBy */ .J)(s)) {
            const reg = await client.query(`SELECT c.oid::regclass::text AS t, n.nspname || '.' || c.relname AS display
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'p')`, [d.table]);
            const row = reg.rows[0];
            if (!row)
                continue;
            let query = `SELECT * FROM ${row.t}`;
            if (d.column) {
                const col = await client.query('SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2 AND attnum > 0 AND NOT attisdropped', [row.t, d.column]);
                if (!col.rowCount)
                    continue;
                const keys = (await keyColumns(client, row.t)).filter((k) => k !== d.column);
                // The key says which row each value belongs to; without a key, the whole row does.
                const cols = keys.length ? [...keys, d.column].map((c) => (0,pg__WEBPACK_IMPORTED_MODULE_3__/* .escapeIdentifier */ .F)(c)).join(', ') : '*';
                query = `SELECT ${cols} FROM ${row.t} WHERE ${(0,pg__WEBPACK_IMPORTED_MODULE_3__/* .escapeIdentifier */ .F)(d.column)} IS NOT NULL`;
            }
            const what = d.column ? `column ${row.display}.${d.column}` : `table ${row.display}`;
            const file = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(dir, `${safeName(label)}-line${s.position.line}-${safeName(row.display)}${d.column ? `.${safeName(d.column)}` : ''}.csv`);
            const rows = await copyToCsv(client, query, file);
            copies.push({ migration, what, file, rows, statement: `${script.source.file}:${s.position.line} ${d.how}` });
        }
    }
    return copies;
}


/***/ }),

/***/ 3970:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   J: () => (/* binding */ destroyedBy)
/* harmony export */ });
/* harmony import */ var pg__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3849);
// What a statement destroys, from its parse tree (never from its text): the
// tables a DROP TABLE or TRUNCATE empties, and the columns an ALTER TABLE drops.
// Used by the rollback's data-loss guard and by the safety copies (src/backup).

const qualified = (parts) => parts
    .filter((x) => Boolean(x))
    .map((p) => (0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeIdentifier */ .F)(p))
    .join('.');
function destroyedBy(s) {
    // The tree is read only for the kinds that can destroy (a released tree is parsed again: see source/script.ts).
    if (s.kind !== 'DropStmt' && s.kind !== 'AlterTableStmt' && s.kind !== 'TruncateStmt')
        return [];
    const n = s.node;
    if (s.kind === 'DropStmt' && n.removeType === 'OBJECT_TABLE') {
        const objects = n.objects ?? [];
        return objects.map((o) => ({ table: qualified((o.List?.items ?? []).map((i) => i.String?.sval)), how: 'DROP TABLE' }));
    }
    if (s.kind === 'AlterTableStmt' && (n.objtype === undefined || n.objtype === 'OBJECT_TABLE')) {
        const rel = n.relation;
        if (!rel?.relname)
            return [];
        const table = qualified([rel.schemaname, rel.relname]);
        const cmds = n.cmds ?? [];
        return cmds
            .filter((c) => c.AlterTableCmd?.subtype === 'AT_DropColumn' && c.AlterTableCmd.name)
            .map((c) => ({ table, column: c.AlterTableCmd?.name, how: 'DROP COLUMN' }));
    }
    if (s.kind === 'TruncateStmt') {
        const rels = n.relations ?? [];
        return rels.map((r) => ({ table: qualified([r.RangeVar?.schemaname, r.RangeVar?.relname]), how: 'TRUNCATE' }));
    }
    return [];
}


/***/ })

};
