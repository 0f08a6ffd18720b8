/**
 * The syntax tree of a POSIX shell program. Every node is plain data (no classes, no functions)
 * because running shells keep nodes in their program state, which the kernel snapshots.
 */

/** One piece of a word. `q` = inside quotes: no field splitting and no pathname expansion. */
export type WordPart =
  | { readonly k: 'lit'; readonly v: string; readonly q: boolean }
  | {
      readonly k: 'param';
      readonly name: string;
      /** null, or one of - :- = := + :+ ? :? # ## % %%, or 'len' for ${#x}. */
      readonly op: string | null;
      readonly arg: Word | null;
      readonly q: boolean;
    }
  | { readonly k: 'cmdsub'; readonly src: string; readonly q: boolean }
  | { readonly k: 'arith'; readonly src: string; readonly q: boolean }
  | { readonly k: 'tilde'; readonly user: string };

export interface Word {
  readonly parts: readonly WordPart[];
  /** The source text of the word, as typed. */
  readonly raw: string;
}

export type RedirOp = '>' | '>>' | '<' | '>&' | '<&' | '<>' | '>|' | '&>';

export interface Redir {
  readonly fd: number;
  readonly op: RedirOp;
  readonly target: Word;
}

export interface Assign {
  readonly name: string;
  readonly value: Word;
}

export type Node =
  | {
      readonly t: 'simple';
      readonly assigns: readonly Assign[];
      readonly words: readonly Word[];
      readonly redirs: readonly Redir[];
      readonly line: number;
    }
  | { readonly t: 'pipeline'; readonly cmds: readonly Node[]; readonly bang: boolean }
  | {
      readonly t: 'andor';
      readonly op: '&&' | '||';
      readonly left: Node;
      readonly right: Node;
    }
  | { readonly t: 'list'; readonly items: readonly ListItem[] }
  | { readonly t: 'subshell'; readonly body: Node; readonly redirs: readonly Redir[] }
  | { readonly t: 'group'; readonly body: Node; readonly redirs: readonly Redir[] }
  | {
      readonly t: 'if';
      readonly clauses: readonly { readonly cond: Node; readonly body: Node }[];
      readonly else: Node | null;
      readonly redirs: readonly Redir[];
    }
  | {
      readonly t: 'loop';
      readonly until: boolean;
      readonly cond: Node;
      readonly body: Node;
      readonly redirs: readonly Redir[];
    }
  | {
      readonly t: 'for';
      readonly name: string;
      /** null: `for x; do` iterates over "$@". */
      readonly items: readonly Word[] | null;
      readonly body: Node;
      readonly redirs: readonly Redir[];
    }
  | {
      readonly t: 'case';
      readonly word: Word;
      readonly arms: readonly { readonly patterns: readonly Word[]; readonly body: Node | null }[];
      readonly redirs: readonly Redir[];
    }
  | { readonly t: 'func'; readonly name: string; readonly body: Node; readonly src: string };

export interface ListItem {
  readonly node: Node;
  readonly bg: boolean;
  /** Source text of the item (for job listings). */
  readonly src: string;
}

/** A syntax error, flavour-neutral; the shell formats it as dash, bash or busybox would. */
export type SyntaxError =
  | {
      readonly kind: 'unexpected';
      /** The offending token text, or null for end of input. */
      readonly token: string | null;
      /** What the parser wanted instead (dash prints it), e.g. `"fi"`. */
      readonly expecting: string | null;
      readonly line: number;
    }
  | { readonly kind: 'unterminated'; readonly what: string; readonly line: number }
  | { readonly kind: 'unsupported'; readonly what: string; readonly line: number };
