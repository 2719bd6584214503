#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Usage: scripts/deps-lint.py DEPS_LIST FILE...
#
# Finds the external programs that shell scripts, Makefile recipes and
# kunit.py QEMU configs run, and reports each one that DEPS_LIST
# (scripts/deps.list) does not name, so that a new command cannot enter
# the project without the package that provides it.
#
# Shell scripts are first put in bash's canonical form (bash
# --pretty-print), then read by a small lexer that knows where a command
# word stands: at the start of a simple command, after a pipe, a list
# operator, "$(", a reserved word, variable assignments or a wrapper such
# as timeout or env. Words made of literal text and variables the file
# assigns literally ("${cross}gcc" with cross=aarch64-linux-gnu-) are
# expanded to every value; "${arr[@]}" stands for the first word of each
# literal assignment arr=(...). Words with a slash are the project's own
# programs or absolute paths and are not checked; words that cannot be
# resolved are not either. Make recipes are expanded with the Makefile's
# own variable assignments and read the same way.
#
# Prints "deps-lint: FILE:LINE: CMD is not in scripts/deps.list" for each
# finding, then a summary; exits 1 on any finding.

import itertools
import os
import re
import subprocess
import sys

BUILTINS = set('''
. : [ alias bg bind break builtin caller cd command compgen complete
compopt continue declare dirs disown echo enable eval exec exit export
false fc fg getopts hash help history jobs kill let local logout mapfile
popd printf pushd pwd read readarray readonly return set shift shopt
source suspend test times trap true type typeset ulimit umask unalias
unset wait
'''.split())

# Reserved words after which a command follows.
LEADERS = {'if', 'then', 'else', 'elif', 'do', 'while', 'until', '!',
           '{', 'time', 'exec', 'coproc'}
# Reserved words that end a compound command.
ENDERS = {'fi', 'done', '}', 'esac'}

# Programs that run their arguments as a command, with the options they
# take before it (those that take a value listed apart).
WRAPPERS = {
    'timeout': ({'-k', '-s', '--kill-after', '--signal'}, 1),
    'env': ({'-u', '--unset', '-C', '--chdir'}, 0),
    'nice': ({'-n'}, 0),
    'unshare': (set(), 0),
    'sudo': ({'-u', '-g'}, 0),
    'xargs': ({'-n', '-I', '-d', '-P', '-s', '-L', '-E'}, 0),
    'setsid': (set(), 0),
    'command': (set(), 0),
}

ASSIGN = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=')
NAME = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.+-]*$')


def read_deps(path):
    names = set()
    with open(path) as f:
        for line in f:
            line = line.split('#', 1)[0].split()
            if len(line) >= 2 and not line[0].startswith('/'):
                names.add(line[0])
    return names


class Lexer:
    """Splits shell text into words and operators, keeping each word's
    raw text (quotes included) and the line it starts on. Command
    substitutions, also inside double quotes, are lexed recursively and
    their words reported through on_subst."""

    OPS = ['&&', '||', ';;&', ';;', ';&', '|&', '$(', '((', '))',
           '>>', '<<<', '<<-', '<<', '>&', '<&', '>|', '&>', '<>',
           ';', '|', '&', '(', ')', '<', '>', '\n']

    def __init__(self, text, line=1):
        self.s = text
        self.i = 0
        self.line = line
        self.substs = []

    def peek(self, n=1):
        return self.s[self.i:self.i + n]

    def subst(self):
        """At "$(": lex the text up to the matching ")" later."""
        start_line = self.line
        self.substs.append((self.close_paren(), start_line))

    def close_paren(self):
        """After an opening parenthesis: move past the matching ")",
        minding quotes and substitutions, and return the text between."""
        depth, start = 1, self.i
        quote = None
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == '\n':
                self.line += 1
            if quote:
                if c == '\\' and quote == '"':
                    self.i += 2
                    continue
                if c == quote:
                    quote = None
                elif quote == '"' and self.s.startswith('$(', self.i):
                    depth += 1
                    self.i += 1
            elif c == '\\':
                self.i += 2
                continue
            elif c in '\'"':
                quote = c
            elif c == '(':
                depth += 1
            elif c == ')':
                depth -= 1
                if depth == 0:
                    self.i += 1
                    return self.s[start:self.i - 1]
            self.i += 1
        return self.s[start:]

    def tokens(self):
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in ' \t':
                self.i += 1
                continue
            if c == '\\' and self.peek(2) == '\\\n':
                self.i += 2
                self.line += 1
                continue
            if c == '#':
                while self.i < len(self.s) and self.s[self.i] != '\n':
                    self.i += 1
                continue
            for op in self.OPS:
                if self.s.startswith(op, self.i):
                    break
            else:
                op = None
            if op == '$(' and not self.s.startswith('$((', self.i):
                self.i += 2
                self.subst()
                # A substitution standing alone is a word of its own.
                yield ('word', '$(...)', self.line)
                continue
            if op and op != '$(':
                self.i += len(op)
                if op == '\n':
                    self.line += 1
                yield ('op', op, self.line - (op == '\n'))
                continue
            w = self.word()
            if w.isdigit() and self.peek() in ('<', '>'):
                continue    # the file descriptor of a redirection
            yield ('word', w, self.line)

    def word(self):
        start = self.i
        quote = None
        while self.i < len(self.s):
            c = self.s[self.i]
            if quote:
                if c == '\\' and quote == '"':
                    self.i += 2
                    continue
                if c == quote:
                    quote = None
                elif quote == '"' and self.s.startswith('$(', self.i) \
                        and not self.s.startswith('$((', self.i):
                    self.i += 2
                    self.subst()
                    continue
                elif c == '\n':
                    self.line += 1
                self.i += 1
                continue
            if c == '\\':
                self.i += 2
                continue
            if c in '\'"':
                quote = c
                self.i += 1
                continue
            if self.s.startswith('$(', self.i):
                if self.s.startswith('$((', self.i):
                    self.skip_arith()
                    continue
                self.i += 2
                self.subst()
                continue
            if self.s.startswith('${', self.i):
                self.braces()
                continue
            if c == '(' and re.fullmatch(r'[A-Za-z_][A-Za-z0-9_]*\+?=',
                                         self.s[start:self.i]):
                # name=(...): an array assignment, all of it one word.
                self.i += 1
                self.close_paren()
                continue
            if c in ' \t\n;|&()<>':
                break
            self.i += 1
        return self.s[start:self.i]

    def braces(self):
        """At "${": skip the expansion, lexing the substitutions that
        its default values may hold (${JOBS:-$(nproc)})."""
        self.i += 2
        depth = 1
        while self.i < len(self.s):
            if self.s.startswith('$((', self.i):
                self.skip_arith()
                continue
            if self.s.startswith('$(', self.i):
                self.i += 2
                self.subst()
                continue
            c = self.s[self.i]
            if c == '\\':
                self.i += 2
                continue
            if self.s.startswith('${', self.i):
                depth += 1
                self.i += 1
            elif c == '}':
                depth -= 1
                if depth == 0:
                    self.i += 1
                    return
            self.i += 1

    def skip_arith(self):
        depth = 0
        while self.i < len(self.s):
            if self.s.startswith('((', self.i):
                depth += 1
                self.i += 2
            elif self.s.startswith('))', self.i):
                depth -= 1
                self.i += 2
                if depth == 0:
                    return
            else:
                self.i += 1


class Scanner:
    def __init__(self, path, values, arrays, functions):
        self.path = path
        self.values = values        # name -> set of literal values
        self.arrays = arrays        # name -> set of first words
        self.functions = functions
        self.found = []             # (command, line)

    def expand(self, raw):
        """The values a word can take, or [] when it cannot be told."""
        if raw.startswith('"') and raw.endswith('"') and raw.count('"') == 2:
            raw = raw[1:-1]
        elif raw.startswith("'") and raw.endswith("'") and raw.count("'") == 2:
            return [raw[1:-1]]
        m = re.fullmatch(r'\$\{([A-Za-z_][A-Za-z0-9_]*)\[[@*]\]\}', raw)
        if m:
            return sorted(self.arrays.get(m.group(1), ()))
        parts = re.split(r'(\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*)', raw)
        choices = []
        for p in parts:
            if p.startswith('$'):
                name = p.strip('${}')
                if name not in self.values:
                    return []
                choices.append(sorted(self.values[name]))
            else:
                if re.search(r'[$`"\'\\*?]', p):
                    return []
                choices.append([p])
        return [''.join(c) for c in itertools.product(*choices)]

    def command(self, raw, line):
        for word in self.expand(raw):
            if word and '/' not in word:
                self.found.append((word, line))

    def scan(self, text, line=1):
        lx = Lexer(text, line)
        toks = list(lx.tokens())
        for body, at in lx.substs:
            self.scan(body, at)

        state = 'start'     # start: the next word is a command
        wrapper = None      # (options with a value, positional to skip)
        skip_next = False   # the next word is an option's value
        case_depth = []
        i = 0
        while i < len(toks):
            kind, tok, line = toks[i]
            i += 1
            if state == '[[':
                if tok == ']]':
                    state = 'args'
                continue
            if kind == 'op':
                if tok in ('<', '>', '>>', '>&', '<&', '&>', '<>', '>|',
                           '<<<', '<<', '<<-'):
                    # A redirection's target is not a command.
                    if i < len(toks) and toks[i][0] == 'word':
                        i += 1
                    continue
                if tok in (';;', ';&', ';;&'):
                    state = 'pattern'
                    continue
                if tok == ')' and state == 'pattern':
                    state = 'start'
                    continue
                if tok == '((':
                    while i < len(toks) and toks[i][1] != '))':
                        i += 1
                    i += 1
                    state = 'args'
                    continue
                if tok in ('\n', ';', '|', '&', '&&', '||', '|&', '(', ')'):
                    if state not in ('pattern', 'case', 'for'):
                        state = 'start'
                    elif state == 'for' and tok in ('\n', ';'):
                        state = 'start'
                    elif state == 'case' and tok == '\n':
                        pass
                    wrapper = None
                continue

            if state == 'pattern':
                if tok == 'esac':
                    state = 'args'
                    case_depth and case_depth.pop()
                continue
            if state == 'case':
                if tok == 'in':
                    state = 'pattern'
                continue
            if state == 'for':
                continue
            if state != 'start':
                continue

            if skip_next:
                skip_next = False
                continue
            if wrapper is not None:
                opts, positional = wrapper
                if tok.startswith('-'):
                    if tok in opts:
                        skip_next = True
                    continue
                if ASSIGN.match(tok):
                    continue
                if positional:
                    wrapper = (opts, positional - 1)
                    continue
                wrapper = None
            if ASSIGN.match(tok):
                continue
            if tok in LEADERS or tok in ENDERS:
                continue
            if tok == 'case':
                state = 'case'
                case_depth.append(1)
                continue
            if tok in ('for', 'select'):
                state = 'for'
                continue
            if tok == '[[':
                state = '[['
                continue
            if tok == 'function':
                state = 'args'
                continue
            # "name ()" defines a function.
            if i + 1 < len(toks) and toks[i][1] == '(' and toks[i + 1][1] == ')':
                i += 2
                continue
            self.command(tok, line)
            state = 'args'
            names = self.expand(tok)
            if len(names) == 1 and names[0] in WRAPPERS:
                if names[0] == 'command' and i < len(toks) and \
                        toks[i][1] in ('-v', '-V'):
                    continue
                wrapper = WRAPPERS[names[0]]
                state = 'start'


def heredocs_removed(text):
    """bash --pretty-print keeps here-documents: drop their bodies."""
    out, lines, i = [], text.split('\n'), 0
    while i < len(lines):
        out.append(lines[i])
        m = re.search(r'<<-?\s*[\'"]?([A-Za-z_][A-Za-z0-9_]*)[\'"]?', lines[i])
        i += 1
        if m and '<<<' not in lines[i - 1]:
            while i < len(lines) and lines[i].strip() != m.group(1):
                out.append('')
                i += 1
            if i < len(lines):
                out.append('')
                i += 1
    return '\n'.join(out)


def literal_values(text):
    """Literal scalar and array assignments of a shell text."""
    values, arrays = {}, {}
    for m in re.finditer(r'(?:^|[\s;(])([A-Za-z_][A-Za-z0-9_]*)=\(\s*([^\s)]*)', text):
        first = m.group(2).strip('"\'')
        if first and not re.search(r'[$`]', first):
            arrays.setdefault(m.group(1), set()).add(first)
    for m in re.finditer(r'(?:^|[\s;])([A-Za-z_][A-Za-z0-9_]*)=([^\s;()]*)', text):
        v = m.group(2)
        if v.startswith("'") and v.endswith("'"):
            v = v[1:-1]
        elif v.startswith('"') and v.endswith('"'):
            v = v[1:-1]
        if not re.search(r'[$`"\'\\]', v):
            values.setdefault(m.group(1), set()).add(v)
    return values, arrays


def scan_shell(path, text=None, values=None):
    if text is None:
        res = subprocess.run(['bash', '--pretty-print', path],
                             capture_output=True, text=True)
        if res.returncode:
            sys.exit(f'deps-lint: bash cannot parse {path}: {res.stderr}')
        text = res.stdout
        lines = False
    else:
        lines = True
    text = heredocs_removed(text)
    vals, arrays = literal_values(text)
    for k, v in (values or {}).items():
        vals.setdefault(k, set()).update(v)
    funcs = set(re.findall(r'^\s*([A-Za-z_][A-Za-z0-9_-]*) \(\)', text, re.M))
    sc = Scanner(path, vals, arrays, funcs)
    sc.scan(text)
    # Line numbers of the canonical form are not the file's: find the
    # command in the file itself.
    result = []
    with open(path) as f:
        src = f.read().split('\n')
    for cmd, line in sc.found:
        if cmd in funcs:
            continue
        if not lines:
            pat = re.compile(r'(^|[\s;|&(`"!{])' + re.escape(cmd) + r'($|[\s;|&)"])')
            line = next((n + 1 for n, s in enumerate(src) if pat.search(s)), 0)
        result.append((cmd, line))
    return result


def make_vars(text):
    """Every value each variable of a Makefile is given, unexpanded."""
    values = {}
    text = re.sub(r'\\\n', ' ', text)
    for m in re.finditer(r'^(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*[:?+]?=[ \t]*(.*)$',
                         text, re.M):
        values.setdefault(m.group(1), []).append(m.group(2).strip())
    return values


def make_expand(s, mvars, depth=0):
    """Expand $(VAR) with each known value; unknown ones stay as they are.
    Returns a list of strings."""
    if depth > 6:
        return [s]
    m = re.search(r'\$\(([A-Za-z_][A-Za-z0-9_]*)\)', s)
    if not m:
        return [s]
    name = m.group(1)
    if name == 'MAKE':
        vals = ['make']
    elif name in mvars:
        vals = mvars[name]
    else:
        vals = ['\x00' + name + '\x00']
    out = []
    for v in vals:
        out.extend(make_expand(s[:m.start()] + v + s[m.end():], mvars, depth + 1))
    return out[:16]


def scan_make(path):
    with open(path) as f:
        raw = f.read()
    mvars = make_vars(raw)
    found = []
    # Logical lines: a backslash-newline joins the next line.
    logical, lines, n = [], raw.split('\n'), 0
    while n < len(lines):
        start, text = n + 1, lines[n]
        while text.endswith('\\') and n + 1 < len(lines):
            n += 1
            text = text[:-1] + ' ' + lines[n].lstrip('\t')
        logical.append((start, text))
        n += 1
    in_rule = False
    for start, text in logical:
        if not text.startswith('\t'):
            if text.strip() and not text.lstrip().startswith('#'):
                # A rule line starts recipes; an assignment or a
                # directive ends them.
                in_rule = bool(re.match(r'^[^=#]*[^:=]:(?![:=])', text)) and \
                    not re.match(r'^\s*(export|override|ifeq|ifneq|ifdef|ifndef|else|endif|include|define)\b', text)
            continue
        if not in_rule:
            continue
        rec = text[1:].lstrip('@+- ')
        for exp in make_expand(rec, mvars):
            if '\x00' in exp or '$(' in exp.replace('$$(', ''):
                # An unknown or function-valued variable: a word that
                # cannot be resolved.
                exp = re.sub(r'\x00[^\x00]*\x00', '$UNKNOWN', exp)
                exp = re.sub(r'(?<!\$)\$\([^)]*\)', '$UNKNOWN', exp)
            exp = exp.replace('$$', '$')
            for cmd, _ in scan_text(path, exp, start):
                found.append((cmd, start))
    return found


def scan_text(path, text, line):
    vals, arrays = literal_values(text)
    sc = Scanner(path, vals, arrays, set())
    sc.scan(text, line)
    return sc.found


def scan_qemu_config(path):
    with open(path) as f:
        text = f.read()
    return [('qemu-system-' + m.group(1), text[:m.start()].count('\n') + 1)
            for m in re.finditer(r"qemu_arch\s*=\s*'([A-Za-z0-9_]+)'", text)]


def main():
    if len(sys.argv) < 3:
        sys.exit('usage: deps-lint.py DEPS_LIST FILE...')
    listed = read_deps(sys.argv[1])
    problems = []
    commands = set()
    for path in sys.argv[2:]:
        base = os.path.basename(path)
        if base in ('Makefile', 'Kbuild') or base.endswith('.mk'):
            found = scan_make(path)
        elif path.endswith('.py'):
            found = scan_qemu_config(path) if '/kunit-qemu/' in path else []
        else:
            found = scan_shell(path)
        for cmd, line in found:
            if cmd in BUILTINS or not NAME.match(cmd):
                continue
            commands.add(cmd)
            if cmd not in listed:
                problems.append(f'deps-lint: {path}:{line}: {cmd} is not in '
                                f'scripts/deps.list (add it with its Debian package)')
    for p in sorted(set(problems)):
        print(p)
    print(f'deps-lint: {len(sys.argv) - 2} files run {len(commands)} programs, '
          f'{len(set(p.split(": ")[2].split()[0] for p in problems))} not listed')
    if os.environ.get('DEPS_LINT_VERBOSE'):
        print('deps-lint: programs:', ' '.join(sorted(commands)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
