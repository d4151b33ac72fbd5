"""Split JQL text into tokens, reporting reserved characters and broken strings the way Jira does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from pmo_bot.sandbox.jql.errors import syntax


class Kind(Enum):
    WORD = "word"  # unquoted value, field name or keyword
    STRING = "string"  # quoted value or field name
    CUSTOM = "custom"  # cf[10011]
    OP = "op"  # = != < <= > >= ~ !~
    AND = "and"  # & and && (the word AND is a WORD, judged by the parser)
    OR = "or"  # | and ||
    BANG = "bang"  # ! as NOT
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","
    EOF = "eof"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    text: str  # decoded value
    raw: str  # as written, for error messages
    line: int
    column: int


# Jira's reserved characters (space and comma are separators here, '|' is OR).
RESERVED_CHARS = frozenset("+.;?*/%^$#@[]{}")
_STOP = frozenset(" \t\r\n\f()\"'=!<>~,&|")
_ESCAPES = {"'": "'", '"': '"', "t": "\t", "n": "\n", "r": "\r", "\\": "\\", " ": " "}
_CUSTOM = re.compile(r"cf\[(\d+)\]", re.IGNORECASE)
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_OPERATORS = ("!=", "!~", "<=", ">=", "=", "<", ">", "~")
_BAD_ESCAPE = (
    "'{0}' is an illegal JQL escape sequence. The valid escape sequences are \\', \\\", \\t, \\n, \\r, "
    "\\\\, '\\ ' and \\uXXXX."
)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.line_start = 0

    def column(self, pos: int) -> int:
        return pos - self.line_start + 1

    def advance(self, count: int = 1) -> None:
        for _ in range(count):
            if self.text[self.pos] == "\n":
                self.line += 1
                self.line_start = self.pos + 1
            self.pos += 1

    def escape(self) -> str:
        """Decode the escape starting at the backslash under the cursor."""
        start = self.pos
        nxt = self.text[self.pos + 1 : self.pos + 2]
        if nxt and nxt in _ESCAPES:
            self.advance(2)
            return _ESCAPES[nxt]
        digits = self.text[self.pos + 2 : self.pos + 6]
        if nxt == "u" and len(digits) == 4 and all(c in "0123456789abcdefABCDEF" for c in digits):
            self.advance(6)
            return chr(int(digits, 16))
        seq = self.text[start : start + (6 if nxt == "u" else 2)]
        raise syntax(_BAD_ESCAPE.format(seq), self.line, self.column(start))

    def quoted(self) -> Token:
        quote = self.text[self.pos]
        line, col = self.line, self.column(self.pos)
        start = self.pos
        self.advance()
        chars: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == quote:
                self.advance()
                return Token(Kind.STRING, "".join(chars), self.text[start : self.pos], line, col)
            if char == "\\":
                chars.append(self.escape())
            else:
                chars.append(char)
                self.advance()
        raise syntax(f"The quoted string '{self.text[start + 1 :]}' has not been completed.", line, col)

    def word(self) -> Token:
        line, col = self.line, self.column(self.pos)
        start = self.pos
        chars: list[str] = []
        reserved_at: int | None = None
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in _STOP:
                break
            if char == "\\":
                chars.append(self.escape())
                continue
            if char in RESERVED_CHARS and reserved_at is None:
                reserved_at = self.pos
            chars.append(char)
            self.advance()
        text = "".join(chars)
        if reserved_at is not None and not (self.text[reserved_at] == "." and _NUMBER.fullmatch(text)):
            char = self.text[reserved_at]
            message = (
                f"The character '{char}' is a reserved JQL character. You must enclose it in a string "
                f"or use the escape '\\u{ord(char):04x}' instead."
            )
            raise syntax(message, line, self.column(reserved_at))
        return Token(Kind.WORD, text, self.text[start : self.pos], line, col)


def tokenize(text: str) -> list[Token]:
    """All tokens of ``text``, ending with one EOF token. Raises JqlError on lexical errors."""
    scan = _Scanner(text)
    tokens: list[Token] = []
    singles = {"(": Kind.LPAREN, ")": Kind.RPAREN, ",": Kind.COMMA, "&": Kind.AND, "|": Kind.OR}
    while scan.pos < len(text):
        char = text[scan.pos]
        line, col = scan.line, scan.column(scan.pos)
        if char.isspace():
            scan.advance()
            continue
        if char in "\"'":
            tokens.append(scan.quoted())
            continue
        custom = _CUSTOM.match(text, scan.pos)
        if custom:
            scan.advance(custom.end() - scan.pos)
            tokens.append(Token(Kind.CUSTOM, f"cf[{custom.group(1)}]", custom.group(0), line, col))
            continue
        operator = next((op for op in _OPERATORS if text.startswith(op, scan.pos)), None)
        if operator:
            scan.advance(len(operator))
            tokens.append(Token(Kind.OP, operator, operator, line, col))
            continue
        if char in singles:
            double = char in "&|" and text.startswith(char * 2, scan.pos)
            scan.advance(2 if double else 1)
            tokens.append(Token(singles[char], char, char * (2 if double else 1), line, col))
            continue
        if char == "!":
            scan.advance()
            tokens.append(Token(Kind.BANG, "!", "!", line, col))
            continue
        tokens.append(scan.word())
    tokens.append(Token(Kind.EOF, "", "", scan.line, scan.column(scan.pos)))
    return tokens
