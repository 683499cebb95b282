/** Version of the parsing rules, stored on every document (kept equal to package.json by a test). */
export const PARSER_VERSION = '0.1.0';
