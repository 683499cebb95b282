import { mimecastParser } from '../../../src/parsers/mimecast.js';
import { describeParser } from './describe-parser.js';

describeParser(mimecastParser, 'test/fixtures/mimecast');
