/**
 * mikro-orm-pglite's dialect decides that a raw query holds several statements when its text splits
 * on ";" — also when the ";" sits inside a string literal that MikroORM inlined (a user's value such
 * as 'a;b'). It then runs the text through exec(), whose result has another shape, and queries return
 * wrong rows. This patch counts statements with a scanner that knows quotes and comments.
 */
interface KnexQueryObject {
  sql?: string;
  method?: string;
  bindings?: unknown[];
  response?: unknown;
}

interface PGliteConnectionLike {
  query(sql: string, params: unknown[]): Promise<unknown>;
  exec(sql: string): Promise<unknown>;
}

/** True when `sql` has more than one statement outside quotes, dollar quotes and comments. */
export function hasMultipleStatements(sql: string): boolean {
  let statements = 0;
  let current = false;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'" || ch === '"') {
      i = skipQuoted(sql, i, ch);
      current = true;
    } else if (ch === '-' && sql[i + 1] === '-') {
      i = sql.indexOf('\n', i) === -1 ? sql.length : sql.indexOf('\n', i);
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 1;
    } else if (ch === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i))?.[0];
      if (tag) {
        const end = sql.indexOf(tag, i + tag.length);
        i = end === -1 ? sql.length : end + tag.length - 1;
      }
      current = true;
    } else if (ch === ';') {
      if (current) statements++;
      current = false;
    } else if (!/\s/.test(ch)) {
      current = true;
    }
  }
  return statements + (current ? 1 : 0) > 1;
}

function skipQuoted(sql: string, start: number, quote: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i++;
      else return i;
    }
  }
  return sql.length;
}

export function patchPGliteDialect(dialect: { prototype: Record<string, unknown> }): void {
  if ((dialect.prototype as { __statementScanner?: boolean }).__statementScanner) return;
  dialect.prototype._query = async function (connection: PGliteConnectionLike, obj: KnexQueryObject) {
    if (!obj.sql) throw new Error('The query is empty');
    obj.response =
      obj.method === 'raw' && hasMultipleStatements(obj.sql)
        ? await connection.exec(obj.sql)
        : await connection.query(obj.sql, obj.bindings ?? []);
    return obj;
  };
  (dialect.prototype as { __statementScanner?: boolean }).__statementScanner = true;
}
