#!/usr/bin/env node
/**
 * Citation check (part of `npm run lint`): every file a comment or a document names must exist in this
 * repository, and a function or other name cited with its file must be found in that file, so a
 * reader can open what the text points to.
 *
 * What it reads: the comments of every .ts, .tsx, .js, .mjs and .cjs file under src/, test/ and
 * scripts/ (with the TypeScript parser, so strings, templates and JSX text are not mistaken for
 * comments), and the whole text of README.md and docs/*.md.
 *
 * Files: it collects the file names mentioned: Markdown files (`*.md`), migrations (`*.sql`) and source paths
 * (`*.ts`, `*.tsx`, `*.mjs`, `*.cjs`, and `*.js` when written with a folder); URLs are skipped. A mention
 * resolves when a repository file (`git ls-files`, tracked or new) matches it: a path starting with a
 * top-level folder exactly, a `../` path relative to the citing file, any other path or bare name by
 * its trailing part. The two guidance files kept outside the repository (OUTSIDE below) always fail.
 *
 * Names: a name in backticks is cited with a source file (path in backticks or not) when written
 * `` `name` (path`` or `` `name` in path`` (the name may carry its arguments, `fanOut(db, …)`), or
 * `` path: `a`, `b` `` or `` path (`a`, `b` `` or `` `path` `name` `` (a list of backticked names
 * right after the path). The name must be an identifier; of `a.b.c` only `c` is looked for. It is
 * found when the cited file (any file the mention resolves to) has it in one of these forms:
 * - declared: `function`, `const`, `let`, `var`, `class`, `type`, `interface`, `enum` or
 *   `namespace` followed by the name;
 * - inside `export { … }` or `import { … }` (hono's `jsxRenderer` used by a file);
 * - a property, parameter or object key (the name then `:` or `?:`), or a line starting with the name
 *   (after `async`, `static`, `get`, `set`, …) then `(`, `=` or `<` (a method or class field);
 * - a method called on something (`.name(`: `app.onError(…)`);
 * - a quoted string `'name'` or `"name"` (a state such as `queued`);
 * - for a name with `_` (a table, column or variable of the environment), the word anywhere.
 * A name that appears only otherwise (a plain call, a word in a comment) is not found. Names cited
 * with a Markdown or other non-source file are not checked.
 *
 * Before checking, it runs its own examples (SELF_TEST below: a good citation passes, a missing file
 * and a missing name fail) and stops with exit code 2 if they do not behave.
 *
 * Prints one line per broken citation (`file:line: <citation>: <why>`) and exits 1, or prints a
 * one-line summary and exits 0. Usage: `node scripts/check-citations.mjs`.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, extname, join, posix, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SCANNED_FOLDERS = ['src', 'test', 'scripts']
const SOURCE_EXTENSIONS = new Set(['.ts', '.tsx', '.js', '.mjs', '.cjs'])
/** Guidance files that live outside the repository: citing them is always an error. */
const OUTSIDE = new Set(['design.md', 'contract.md'])
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.wrangler', 'vendor', 'fixtures'])

/** Every file of the repository, as a `/`-separated path from its root. */
function repositoryFiles() {
  try {
    const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    })
    return out.split('\0').filter(Boolean)
  } catch {
    // Not a git checkout (e.g. an unpacked archive): walk the tree instead.
    return walk(ROOT).map((file) => relative(ROOT, file).split('\\').join('/'))
  }
}

function walk(dir) {
  const files = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (entry.name !== '.ci' && (entry.name.startsWith('.') || entry.name === 'node_modules')) continue
      files.push(...walk(join(dir, entry.name)))
    } else files.push(join(dir, entry.name))
  }
  return files
}

/** The files to scan: sources under SCANNED_FOLDERS, and the documents (README.md, docs/*.md). */
function scannedFiles(files) {
  return files.filter(
    (file) =>
      isDocument(file) ||
      (SCANNED_FOLDERS.includes(file.split('/')[0]) &&
        SOURCE_EXTENSIONS.has(extname(file)) &&
        !file.split('/').some((part) => SKIPPED_DIRS.has(part))),
  )
}

function isDocument(file) {
  return file === 'README.md' || /^docs\/[^/]+\.md$/.test(file)
}

/** Every comment of `text` (a JS/TS source) as `{ pos, text }`, each once. */
function comments(fileName, text) {
  const kind = fileName.endsWith('.tsx')
    ? ts.ScriptKind.TSX
    : fileName.endsWith('.ts')
      ? ts.ScriptKind.TS
      : ts.ScriptKind.JS
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind)
  const found = new Map()
  const collect = (ranges) => {
    for (const range of ranges ?? []) found.set(range.pos, text.slice(range.pos, range.end))
  }
  const visit = (node) => {
    collect(ts.getLeadingCommentRanges(text, node.pos))
    collect(ts.getTrailingCommentRanges(text, node.end))
    // getChildren includes tokens (e.g. a closing brace), whose leading trivia holds the last comments of a block.
    for (const child of node.getChildren(source)) visit(child)
  }
  collect(ts.getLeadingCommentRanges(text, 0))
  visit(source)
  return [...found].map(([pos, body]) => ({ pos, text: body }))
}

const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi
const PATH = String.raw`(?:\.{1,2}\/)*(?:[\w-][\w.-]*\/)*[\w-][\w.-]*\.(?:md|tsx?|mjs|cjs|js|sql)`
const MENTION_PATTERN = new RegExp(String.raw`(?<![\w@/.*-])(${PATH})(?![\w-])`, 'gi')
/** A backticked identifier, optionally with its arguments: `fanOut`, `fanOut(db, ctx)`, `FeedPage.waiting`. */
const NAME = String.raw`\`([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?:\([^\`]*\))?\``
/** `name` (path  or  `name` in path */
const NAME_THEN_PATH = new RegExp(String.raw`${NAME}\s*(?:\(\s*|in\s+)\`?(${PATH})(?![\w-])`, 'g')
/** path: `a`, `b`  or  path (`a`, `b`  or  `path` `a` */
const PATH_THEN_NAMES = new RegExp(
  String.raw`(?<![\w@/.-])(${PATH})\`?(?:\s*:\s*|\s*\(\s*|\s+)((?:${NAME}(?:,\s*|\s+and\s+)?)+)`,
  'g',
)
const NAME_IN_LIST = new RegExp(NAME, 'g')

/** `text` with its URLs blanked out (same length, so offsets keep). */
function withoutUrls(text) {
  return text.replace(URL_PATTERN, (url) => ' '.repeat(url.length))
}

/** File names cited in one comment or document, with their offsets in it. */
function mentions(text) {
  const out = []
  for (const match of withoutUrls(text).matchAll(MENTION_PATTERN)) {
    const name = match[1]
    // A bare `*.js` word is usually a product name (Node.js), not a file.
    if (name.toLowerCase().endsWith('.js') && !name.includes('/')) continue
    out.push({ name, offset: match.index })
  }
  return out
}

/** Names cited with a file in one comment or document: `{ name, path, offset }`. */
function namedCitations(text) {
  // A block comment's line-leading `*` would split `name` and its file across lines: blank it out.
  const flat = withoutUrls(text).replace(/\n[ \t]*\*(?!\/)/g, (m) => `\n${' '.repeat(m.length - 1)}`)
  const out = []
  for (const match of flat.matchAll(NAME_THEN_PATH)) out.push({ name: match[1], path: match[2], offset: match.index })
  for (const match of flat.matchAll(PATH_THEN_NAMES)) {
    for (const item of match[2].matchAll(NAME_IN_LIST)) {
      out.push({ name: item[1], path: match[1], offset: match.index + match[0].indexOf(match[2]) + item.index })
    }
  }
  return out
}

/** The repository files `name`, cited in `fromFile`, stands for (none when it names no file). */
function resolve(name, fromFile, files, topLevel) {
  let path = name.replace(/^(\.\/)+/, '')
  if (path.startsWith('../')) path = posix.normalize(posix.join(posix.dirname(fromFile), path))
  const exact = topLevel.has(path.split('/')[0]) && path.includes('/')
  if (exact) return files.has(path) ? [path] : []
  return [...files].filter((file) => file === path || file.endsWith(`/${path}`))
}

/** Why `name`, cited in `fromFile`, does not resolve; null when it names a repository file. */
function problem(name, fromFile, files, topLevel) {
  if (OUTSIDE.has(posix.basename(name).toLowerCase()))
    return 'lives outside the repository; cite docs/ARCHITECTURE.md (or another file in it) instead'
  return resolve(name, fromFile, files, topLevel).length > 0 ? null : 'no such file in the repository'
}

const escape = (name) => name.replace(/\$/g, '\\$')

/** Source `text` without its comments (roughly: a `//` inside a string cuts that line short). */
function withoutComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\/|(?<![:'"])\/\/.*$/gm, '')
}

/** True when source `text` declares, imports or uses `name` as the header says. */
function declares(text, name) {
  const n = escape(name)
  const patterns = [
    String.raw`\b(?:function\*?|const|let|var|class|type|interface|enum|namespace)\s+${n}(?![\w$])`,
    String.raw`\b(?:export|import)\s+(?:type\s+)?\{[^}]*(?<![\w$])${n}(?![\w$])`,
    String.raw`(?<![\w$.])${n}\s*\??\s*:`,
    String.raw`^\s*(?:(?:async|static|readonly|get|set|public|private|protected)\s+)*${n}\s*[(=<]`,
    String.raw`\.${n}\(`,
    String.raw`(['"])${n}\1`,
  ]
  if (name.includes('_')) patterns.push(String.raw`(?<![\w$])${n}(?![\w$])`)
  return patterns.some((pattern) => new RegExp(pattern, 'm').test(text))
}

/** Why `name`, cited with `path` in `fromFile`, is not found; null when the file declares it (or is no source). */
function nameProblem(name, path, fromFile, files, topLevel, read) {
  const targets = resolve(path, fromFile, files, topLevel).filter((file) => SOURCE_EXTENSIONS.has(extname(file)))
  if (targets.length === 0) return null // no such file (reported as such), or not a source file
  const last = name.split('.').at(-1)
  return targets.some((file) => declares(withoutComments(read(file)), last))
    ? null
    : `\`${last}\` is not found in ${targets.join(' or ')}`
}

/** Broken citations of one file's text (`comments`: `{ pos, text }` parts of it), as `file:line: …` lines. */
function check(file, text, parts, files, topLevel, read) {
  const broken = []
  let cited = 0
  const lineOf = (offset) => text.slice(0, offset).split('\n').length
  for (const part of parts) {
    for (const { name, offset } of mentions(part.text)) {
      cited++
      const why = problem(name, file, files, topLevel)
      if (why) broken.push(`${file}:${lineOf(part.pos + offset)}: ${name}: ${why}`)
    }
    for (const { name, path, offset } of namedCitations(part.text)) {
      cited++
      const why = nameProblem(name, path, file, files, topLevel, read)
      if (why) broken.push(`${file}:${lineOf(part.pos + offset)}: \`${name}\` (${path}): ${why}`)
    }
  }
  return { broken, cited }
}

/** The checker's own examples: each text, cited from README.md, and how many broken citations it holds. */
const SELF_TEST = [
  ['`fanOut` (`src/notifications/fan-out.ts`)', 0],
  ['`fanOut(db, ctx, events, now)` in src/notifications/fan-out.ts', 0],
  ['`src/leads/policy.ts`: `visibleLeads`, `canClaim`', 0],
  ['`EVENTS` in `events.ts`', 0],
  ['`src/notifications/no-such-file.ts`', 1],
  ['migrations/0999_no_such_migration.sql', 1],
  ['`fanOutTwice` (`src/notifications/fan-out.ts`)', 1],
  ['`src/leads/policy.ts` (`visibleLeads`, `noSuchPolicy`)', 1],
]

function selfTest(files, topLevel, read) {
  for (const [text, expected] of SELF_TEST) {
    const { broken } = check('README.md', text, [{ pos: 0, text }], files, topLevel, read)
    if (broken.length !== expected) {
      console.error(`Citation check self-test: ${text} gave ${broken.length} broken citation(s), not ${expected}:`)
      for (const line of broken) console.error(`  ${line}`)
      process.exit(2)
    }
  }
}

function main() {
  const all = repositoryFiles()
  const files = new Set(all)
  const topLevel = new Set(all.map((file) => file.split('/')[0]))
  const cache = new Map()
  /** A repository file's text ('' when listed by git but deleted in the work tree). */
  const read = (file) => {
    if (!cache.has(file)) {
      try {
        cache.set(file, readFileSync(join(ROOT, file), 'utf8'))
      } catch {
        cache.set(file, '')
      }
    }
    return cache.get(file)
  }
  selfTest(files, topLevel, read)
  const broken = []
  let cited = 0
  const scanned = scannedFiles(all)
  for (const file of scanned) {
    const text = read(file)
    const parts = isDocument(file) ? [{ pos: 0, text }] : comments(file, text)
    const result = check(file, text, parts, files, topLevel, read)
    broken.push(...result.broken)
    cited += result.cited
  }
  if (broken.length > 0) {
    console.error(`Citation check: ${broken.length} citation(s) name a file or a name that is not in the repository:`)
    for (const line of broken) console.error(`  ${line}`)
    process.exit(1)
  }
  console.log(
    `Citation check: ${cited} citation(s) in ${scanned.length} files (comments, README.md, docs/), all in the repository.`,
  )
}

main()
