import { decludeParser } from '../../../src/parsers/declude.js';
import { describeParser } from './describe-parser.js';

describeParser(decludeParser, 'test/fixtures/declude');
