// README.md's shell examples as a script: which blocks run, the status each command expects, and the bash script
// that runs them with README's own line numbers (test/e2e/readme.test.ts runs it against a local cloud).
//
// Conventions (README.md, "Two commands on a fresh machine"): every ```sh / ```bash block is preceded by
// `<!-- readme-test: run -->` or `<!-- readme-test: skip: <reason> -->`; in a run block, a command's trailing
// comment that starts with a status (`# 201`, `# 409 CAMPAIGN_STARTED`) is the status its request must answer,
// and a request without one must answer 2xx.

/** The fence languages that are shell examples. */
const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell', 'console', 'zsh']);

/** A block's marker: run it, or skip it for a reason. */
export type ReadmeMarker = { readonly kind: 'run' } | { readonly kind: 'skip'; readonly reason: string };

/** A fenced shell block of a Markdown document. */
export interface ShellBlock {
  /** 1-based line of the opening fence. */
  readonly fenceLine: number;
  /** The block's lines, the fence's indentation removed; line `firstLine + i` of the document is `lines[i]`. */
  readonly lines: readonly string[];
  /** 1-based line of the block's first line. */
  readonly firstLine: number;
  /** The marker on the line before the fence (blank lines between allowed); undefined when there is none. */
  readonly marker?: ReadmeMarker;
}

const FENCE_OPEN = /^(\s*)```(\w*)\s*$/;
const FENCE_CLOSE = /^\s*```\s*$/;
const MARKER = /^<!--\s*readme-test:\s*(run|skip:\s*(\S.*?))\s*-->$/;

/**
 * The shell blocks of `markdown` (fences of {@link SHELL_LANGUAGES}), with their markers.
 * @throws Error naming the line of a fence that is never closed.
 */
export function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i] ?? '');
    if (!open) continue;
    const indent = open[1]?.length ?? 0;
    let end = i + 1;
    while (end < lines.length && !FENCE_CLOSE.test(lines[end] ?? '')) end++;
    if (end >= lines.length) throw new Error(`README line ${i + 1}: a fence that is never closed`);
    if (SHELL_LANGUAGES.has(open[2] ?? '')) {
      let before = i - 1;
      while (before >= 0 && (lines[before] ?? '').trim() === '') before--;
      const marked = MARKER.exec((lines[before] ?? '').trim());
      const marker: ReadmeMarker | undefined = !marked
        ? undefined
        : marked[1] === 'run'
          ? { kind: 'run' }
          : { kind: 'skip', reason: marked[2] ?? '' };
      blocks.push({
        fenceLine: i + 1,
        firstLine: i + 2,
        lines: lines.slice(i + 1, end).map((line) => line.slice(Math.min(indent, line.search(/\S|$/)))),
        ...(marker ? { marker } : {}),
      });
    }
    i = end;
  }
  return blocks;
}

/** One shell command of a block: the lines it spans and its trailing comment's status, if any. */
export interface ShellCommand {
  /** 1-based document lines, first and last (a quoted string or a `\` continuation spans several). */
  readonly from: number;
  readonly to: number;
  /** The status its trailing comment starts with (`# 201 ...`). */
  readonly expectedStatus?: number;
}

/**
 * The commands of `block`, split where a line ends outside quotes and without a `\` continuation, each with the
 * status its last line's comment (`#` at the start of a word, outside quotes) starts with. A simple scanner of
 * POSIX quoting: single and double quotes and backslashes; no `$(...)` nested inside double quotes, no heredocs
 * (README's examples use neither).
 */
export function shellCommands(block: ShellBlock): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let quote: "'" | '"' | undefined;
  let from: number | undefined;
  block.lines.forEach((line, index) => {
    const lineNumber = block.firstLine + index;
    let comment: string | undefined;
    let continued = false;
    for (let c = 0; c < line.length; c++) {
      const char = line[c];
      if (quote === "'") {
        if (char === "'") quote = undefined;
      } else if (char === '\\') {
        if (c === line.length - 1 && quote === undefined) continued = true;
        c++;
      } else if (quote === '"') {
        if (char === '"') quote = undefined;
      } else if (char === "'" || char === '"') {
        quote = char;
      } else if (char === '#' && (c === 0 || /\s/.test(line[c - 1] ?? ''))) {
        comment = line.slice(c);
        break;
      }
    }
    const code = comment === undefined ? line : line.slice(0, line.length - comment.length);
    if (from === undefined && code.trim() === '' && quote === undefined) return; // blank or comment-only line
    from ??= lineNumber;
    if (quote !== undefined || continued) return;
    const status = /^#\s*([1-5]\d\d)\b/.exec(comment ?? '')?.[1];
    commands.push({ from, to: lineNumber, ...(status ? { expectedStatus: Number(status) } : {}) });
    from = undefined;
  });
  if (quote !== undefined || from !== undefined) {
    throw new Error(`README line ${block.firstLine}: a block ends inside a quote or a continued line`);
  }
  return commands;
}

/**
 * The bash that runs README's run blocks in order, in one shell, at their own line numbers (every other line is
 * blank; line 1, never inside a block, sources `prelude`), so `$LINENO` and `BASH_LINENO` name README's lines.
 * `expected` maps each line of a command with a status comment to that status (the prelude checks requests with it).
 */
export function readmeScript(
  markdown: string,
  prelude: string,
): { script: string; expected: Map<number, number>; commands: ShellCommand[] } {
  const out = markdown.split('\n').map(() => '');
  out[0] = `source '${prelude.replaceAll("'", "'\\''")}'`;
  const expected = new Map<number, number>();
  const commands: ShellCommand[] = [];
  for (const block of shellBlocks(markdown)) {
    if (block.marker?.kind !== 'run') continue;
    block.lines.forEach((line, i) => {
      out[block.firstLine - 1 + i] = line;
    });
    for (const command of shellCommands(block)) {
      commands.push(command);
      if (command.expectedStatus === undefined) continue;
      for (let line = command.from; line <= command.to; line++) expected.set(line, command.expectedStatus);
    }
  }
  return { script: `${out.join('\n')}\n`, expected, commands };
}

/**
 * The prelude of {@link readmeScript}: strict mode, and `curl` and `npm run admin` wrapped so each request's status
 * is checked against `expected` (by the README line bash reports for the call; 2xx when the line has none) and
 * logged to `$README_LOG` as `<line>\t<status>\t<expected>\t<yes|no>\t<command>` (on one line, cut at 200
 * characters); a failed check fails the command.
 * A command that fails otherwise logs `<line>\tEXIT\t<code>` through the ERR trap.
 */
export function readmePrelude(expected: ReadonlyMap<number, number>): string {
  const table = [...expected].map(([line, status]) => `[${line}]=${status}`).join(' ');
  return `set -euo pipefail
shopt -s inherit_errexit
declare -A README_EXPECT=(${table})
trap 'readme_rc=$?; printf "%s\\tEXIT\\t%s\\n" "$LINENO" "$readme_rc" >> "$README_LOG"' ERR
readme_check() { # <line> <status> <command>
  local want=\${README_EXPECT[$1]:-2xx} ok=no what=\${3//[$'\\t\\n']/ }
  if [[ $want == 2xx && $2 == 2?? ]] || [[ $2 == "$want" ]]; then ok=yes; fi
  printf '%s\\t%s\\t%s\\t%s\\t%s\\n' "$1" "$2" "$want" "$ok" "\${what:0:200}" >> "$README_LOG"
  [[ $ok == yes ]] || return 1
}
curl() {
  local line=\${BASH_LINENO[0]} err rc=0 status
  err=$(mktemp)
  command curl -w '%{stderr}README_HTTP_STATUS %{http_code}\\n' "$@" 2>"$err" || rc=$?
  status=$(sed -n 's/^README_HTTP_STATUS //p' "$err" | tail -n 1)
  grep -v '^README_HTTP_STATUS ' "$err" >&2 || true
  rm -f "$err"
  readme_check "$line" "\${status:-000}" "curl $* (exit $rc)"
}
npm() {
  local line=\${BASH_LINENO[0]} err rc=0 status
  case " $* " in
    *" admin "*) ;;
    *) command npm "$@" || { rc=$?; printf '%s\\tEXIT\\t%s\\n' "$line" "$rc" >> "$README_LOG"; return "$rc"; }; return 0 ;;
  esac
  err=$(mktemp)
  command npm "$@" 2>"$err" || rc=$?
  cat "$err" >&2
  status=$(sed -n 's/^HTTP \\([0-9][0-9][0-9]\\).*/\\1/p' "$err" | tail -n 1)
  rm -f "$err"
  readme_check "$line" "\${status:-000}" "npm $* (exit $rc)"
}
`;
}
