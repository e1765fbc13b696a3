#!/usr/bin/env node
/**
 * Citation check (part of `npm run lint`): every file a comment in src/, test/ or scripts/ names must
 * exist in this repository, so a reader can open what a comment points to.
 *
 * Reads the comments of every .ts, .tsx, .js, .mjs and .cjs file under those folders (with the
 * TypeScript parser, so strings, templates and JSX text are not mistaken for comments) and collects
 * the file names they mention: Markdown files (`*.md`) and source paths (`*.ts`, `*.tsx`, `*.mjs`,
 * `*.cjs`, and `*.js` when written with a folder). A mention resolves when a repository file
 * (`git ls-files`, tracked or new) matches it: a path starting with a top-level folder exactly, a
 * `../` path relative to the commenting file, any other path or bare name by its trailing part.
 * The two guidance files kept outside the repository (listed in OUTSIDE below) always fail.
 *
 * Prints one line per broken citation (`file:line: <name>: <why>`) and exits 1, or prints a
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

/** The source files to scan, under SCANNED_FOLDERS. */
function scannedFiles(files) {
  return files.filter(
    (file) =>
      SCANNED_FOLDERS.includes(file.split('/')[0]) &&
      SOURCE_EXTENSIONS.has(extname(file)) &&
      !file.split('/').some((part) => SKIPPED_DIRS.has(part)),
  )
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
const MENTION_PATTERN =
  /(?<![\w@/.-])((?:\.{1,2}\/)*(?:[\w-][\w.-]*\/)*[\w-][\w.-]*\.(?:md|tsx?|mjs|cjs|js))(?![\w-])/gi

/** File names cited in one comment, with their offsets in it. */
function mentions(comment) {
  const text = comment.replace(URL_PATTERN, (url) => ' '.repeat(url.length))
  const out = []
  for (const match of text.matchAll(MENTION_PATTERN)) {
    const name = match[1]
    // A bare `*.js` word is usually a product name (Node.js), not a file.
    if (name.toLowerCase().endsWith('.js') && !name.includes('/')) continue
    out.push({ name, offset: match.index })
  }
  return out
}

/** Why `name`, cited in `fromFile`, does not resolve; null when it names a repository file. */
function problem(name, fromFile, files, topLevel) {
  const base = posix.basename(name).toLowerCase()
  if (OUTSIDE.has(base))
    return 'lives outside the repository; cite docs/ARCHITECTURE.md (or another file in it) instead'
  let path = name.replace(/^(\.\/)+/, '')
  if (path.startsWith('../')) path = posix.normalize(posix.join(posix.dirname(fromFile), path))
  const exact = topLevel.has(path.split('/')[0]) && path.includes('/')
  const hit = exact ? files.has(path) : [...files].some((file) => file === path || file.endsWith(`/${path}`))
  return hit ? null : 'no such file in the repository'
}

function main() {
  const all = repositoryFiles()
  const files = new Set(all)
  const topLevel = new Set(all.map((file) => file.split('/')[0]))
  const broken = []
  let cited = 0
  const scanned = scannedFiles(all)
  for (const file of scanned) {
    let text
    try {
      text = readFileSync(join(ROOT, file), 'utf8')
    } catch {
      continue // listed by git but deleted in the work tree
    }
    for (const comment of comments(file, text)) {
      for (const { name, offset } of mentions(comment.text)) {
        cited++
        const why = problem(name, file, files, topLevel)
        if (!why) continue
        const line = text.slice(0, comment.pos + offset).split('\n').length
        broken.push(`${file}:${line}: ${name}: ${why}`)
      }
    }
  }
  if (broken.length > 0) {
    console.error(`Citation check: ${broken.length} comment citation(s) name files that are not in the repository:`)
    for (const line of broken) console.error(`  ${line}`)
    process.exit(1)
  }
  console.log(
    `Citation check: ${cited} file citation(s) in the comments of ${scanned.length} files, all in the repository.`,
  )
}

main()
