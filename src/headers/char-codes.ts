// Character codes the hand-written header scanners compare with `charCodeAt` (cheaper than one-character strings).
export const TAB = 9;
export const LF = 10;
export const CR = 13;
export const SPACE = 32;
export const QUOTE = 34;
export const OPEN = 40;
export const CLOSE = 41;
export const SEMICOLON = 59;
export const EQUALS = 61;
export const BACKSLASH = 92;
