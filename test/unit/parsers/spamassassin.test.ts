import { spamassassinParser } from '../../../src/parsers/spamassassin.js';
import { describeParser } from './describe-parser.js';

describeParser(spamassassinParser, 'test/fixtures/spamassassin');
