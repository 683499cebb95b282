import { rspamdParser } from '../../../src/parsers/rspamd.js';
import { describeParser } from './describe-parser.js';

describeParser(rspamdParser, 'test/fixtures/rspamd');
