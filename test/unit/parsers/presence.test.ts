import { presenceParser } from '../../../src/parsers/presence.js';
import { describeParser } from './describe-parser.js';

describeParser(presenceParser, 'test/fixtures/presence');
