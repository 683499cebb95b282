// What the demo quarantine looks like: which gateways send how much, from which fixtures, with which
// verdict mix, plus the pools senders, recipients and subjects are drawn from. Data only.
import type { SpamVerdict } from '../document/enums.js';

export interface TemplateChoice {
  /** Template "<family>/<name>" under demo/templates (a copy of the parser fixture of that name). */
  fixture: string;
  weight: number;
  /** Kaspersky fixture with a completed scan: the generator redraws its anti-spam status and rate. */
  varyVerdict?: boolean;
}

export interface GatewayProfile {
  /** The `mailverdict.gateway` the parser gives these fixtures. */
  id: string;
  /** Share of the (non-spike) messages. */
  share: number;
  /** UTC offset the gateway writes its dates in, minutes. */
  offsetMinutes: number;
  recipientDomain: string;
  templates: TemplateChoice[];
  /** Host names of the gateway's nodes: each message gets a `Received: … by <node>` hop right below the
   * gateway's own headers, where the parser finds the node (observer.hostname). */
  nodes?: readonly string[];
}

export const DEMO_GATEWAYS: readonly GatewayProfile[] = [
  {
    id: 'ksmg', share: 0.44, offsetMinutes: 180, recipientDomain: 'corp.example.ru',
    nodes: ['ksmg-1.corp.example.ru', 'ksmg-2.corp.example.ru'],
    templates: [
      { fixture: 'kaspersky/ksmg-2.0.1-clean', weight: 40, varyVerdict: true },
      { fixture: 'kaspersky/ksmg-2.1.1-sorted-notdetected', weight: 35, varyVerdict: true },
      { fixture: 'kaspersky/ksmg-1.1.2-spam', weight: 6 },
      { fixture: 'kaspersky/ksmg-1.1.2-antiphishing-disabled', weight: 3 },
      { fixture: 'kaspersky/ksmg-2.0.1-mime-part-error-encrypted', weight: 3 },
      { fixture: 'kaspersky/ksmg-2.1.1-mime-part-infected', weight: 3 },
      // The normal background of scans that did not finish: rare.
      { fixture: 'kaspersky/ksmg-2.1.0-fallback', weight: 0.25 },
      { fixture: 'kaspersky/ksmg-2.1.0-timeout-expired', weight: 0.25 },
    ],
  },
  {
    id: 'klms', share: 0.26, offsetMinutes: 180, recipientDomain: 'branch.example.ru',
    templates: [
      { fixture: 'kaspersky/klms-8.0.3-spam', weight: 30, varyVerdict: true },
      { fixture: 'kaspersky/klms-8.0.3-auth-softfail', weight: 30, varyVerdict: true },
      { fixture: 'kaspersky/ksmg-klms-two-hop', weight: 15, varyVerdict: true },
      { fixture: 'kaspersky/klms-8.0.1-legacy-names', weight: 6 },
      { fixture: 'kaspersky/klms-8.0.3-antispam-disabled', weight: 5 },
      { fixture: 'kaspersky/klms-8.0.3-unlicensed', weight: 2 },
    ],
  },
  {
    id: 'imail', share: 0.2, offsetMinutes: 120, recipientDomain: 'example.net',
    templates: [
      { fixture: 'imail/premium', weight: 10 },
      { fixture: 'imail/premium-bulk', weight: 12 },
      { fixture: 'imail/premium-suspected', weight: 8 },
      { fixture: 'imail/premium-confirmed-with-ctch', weight: 12 },
      { fixture: 'imail/premium-unknown', weight: 4 },
      { fixture: 'imail/spf-pass', weight: 20 },
      { fixture: 'imail/spf-fail', weight: 4 },
      { fixture: 'imail/spf-softfail', weight: 4 },
      { fixture: 'imail/spf-none', weight: 6 },
      { fixture: 'imail/dnsbl-real-v6net', weight: 5 },
      { fixture: 'imail/v12-all-tests', weight: 3 },
      { fixture: 'imail/attachment-blocked', weight: 2 },
    ],
  },
  {
    id: 'kse', share: 0.04, offsetMinutes: 180, recipientDomain: 'kaspersky-lab.example',
    templates: [
      { fixture: 'kaspersky/kse-exchange-ru-locale', weight: 3 },
      { fixture: 'kaspersky/kse-us-locale-outbound', weight: 1 },
    ],
  },
  {
    id: 'exchange', share: 0.03, offsetMinutes: 0, recipientDomain: 'example.net',
    templates: [
      { fixture: 'exchange/scl-not-spam-0', weight: 5 },
      { fixture: 'exchange/scl-not-spam-1', weight: 3 },
      { fixture: 'exchange/scl-imf-suspect-3', weight: 2 },
      { fixture: 'exchange/scl-spam-5', weight: 2 },
      { fixture: 'exchange/scl-high-confidence-9', weight: 1 },
      { fixture: 'exchange/scl-eop-bypassed', weight: 1 },
    ],
  },
  {
    id: 'ctch', share: 0.03, offsetMinutes: 120, recipientDomain: 'example.net',
    templates: [
      { fixture: 'commtouch/class-nonspam', weight: 5 },
      { fixture: 'commtouch/class-bulk', weight: 3 },
      { fixture: 'commtouch/class-confirmed', weight: 3 },
      { fixture: 'commtouch/class-suspected', weight: 2 },
      { fixture: 'commtouch/error-ctasd-down', weight: 0.5 },
    ],
  },
];

/**
 * A few hours on one gateway where most scans fall back or time out (what the alerter should catch). Dense
 * enough that every 15-minute window of it passes the alerter's default minimum of 10 incomplete scans:
 * the window is shorter for small demos.
 */
/**
 * Mail that passed more than one filter: this share of the gateway's (non-spike) mail went on through the
 * receiving server's amavis, which only stamps it, and Exchange, which trusts the gateway (SCL -1). Each gateway
 * is counted for itself; the stamps must not hide the gateway's own verdict.
 */
export const DEMO_MULTI_GATEWAY = {
  gateway: 'ksmg',
  share: 0.3,
  amavisHost: 'mx.corp.example.ru',
  exchangeHost: 'exchange.corp.example.ru',
} as const;

export const DEMO_SPIKE = {
  gateway: 'ksmg',
  /** The node whose scans fail (the other node stays healthy). */
  node: 'ksmg-2.corp.example.ru',
  /** Window length: one hour per this many messages, 1 to 3 hours. */
  messagesPerHour: 1500,
  maxHours: 3,
  /** Extra messages in the window, as a share of the total. */
  shareOfMessages: 0.08,
  /** Share of the window's messages that did not finish their scan. */
  incompleteShare: 0.75,
  templates: [
    { fixture: 'kaspersky/ksmg-2.1.0-fallback', weight: 3 },
    { fixture: 'kaspersky/ksmg-2.1.0-timeout-expired', weight: 2 },
  ] satisfies TemplateChoice[],
} as const;

/**
 * The KSMG nodes' own log stream (CEF ScanLogic events over syslog to `mailverdict listen`): every message the
 * nodes process, quarantined or not. During the spike, for each quarantined message whose scan did not complete,
 * this many more were delivered the same way and only the logs know of them.
 */
export const DEMO_GATEWAY_LOG = {
  gateway: 'ksmg',
  nodes: ['ksmg-1.corp.example.ru', 'ksmg-2.corp.example.ru'],
  logOnlyPerQuarantinedIncomplete: 1,
  recipientDomain: 'corp.example.ru',
} as const;

/** Redrawn anti-spam outcome of a Kaspersky fixture: the status token written and its rate band. */
export const KASPERSKY_OUTCOMES: readonly { weight: number; value: { verdict: SpamVerdict; status: string; rate: [number, number] } }[] = [
  { weight: 55, value: { verdict: 'clean', status: 'not_detected', rate: [0, 45] } },
  { weight: 22, value: { verdict: 'spam', status: 'spam', rate: [90, 100] } },
  { weight: 10, value: { verdict: 'suspect', status: 'probable_spam', rate: [60, 89] } },
  { weight: 9, value: { verdict: 'bulk', status: 'mass_mail', rate: [50, 80] } },
  { weight: 4, value: { verdict: 'blocklisted', status: 'blacklisted', rate: [100, 100] } },
];

export const CLEAN_SENDER_DOMAINS = [
  'partner.example.com', 'supplier.example.org', 'bank.example.net', 'lists.example.org', 'logistics.example.com',
  'hr-portal.example.net', 'conference.example.org', 'cloud-billing.example.com', 'university.example.edu',
  'press.example.org',
];

export const SPAM_SENDER_DOMAINS = [
  'promo-deals.example.biz', 'vps-185-246-220-87.example.net', 'cheap-pharma.example.info', 'lottery-win.example.top',
  'secure-login-verify.example.xyz', 'bulk-mailer.example.net', 'crypto-gain.example.io', 'newsletter-hub.example.com',
];

export const LOCAL_PARTS = [
  'info', 'news', 'noreply', 'sales', 'support', 'billing', 'a.petrov', 'j.smith', 'm.ivanova', 'office', 'hr',
  'accounts', 'events', 'robot', 'notifications', 'k.novak',
];

export const RECIPIENTS = [
  'buh', 'it', 'director', 'sales', 'ops', 'hr', 'a.sidorov', 'e.volkova', 'p.kowalski', 'secretary', 'supply',
  'legal', 'marketing', 'helpdesk',
];

export const CLEAN_SUBJECTS = [
  'Invoice {n}', 'Meeting notes', 'Quarterly report Q{q}', 'Re: contract draft', 'Shipment {n} dispatched',
  'Conference agenda', 'Payroll questions', 'Re: Re: server maintenance window', 'Purchase order {n}',
  'Счёт на оплату № {n}', 'Акт сверки за {month}', 'Приглашение на совещание', 'Договор поставки {n}',
  'Rechnung {n}', 'Nightly backup report',
];

export const SPAM_SUBJECTS = [
  'You have won {n} USD!!!', 'URGENT: verify your account', 'Cheap meds, fast delivery', 'Your parcel is waiting',
  'Ваш выигрыш {n} руб.', 'Crypto profit {n}% in a week', 'Password expires today', 'Re: your overdue invoice {n}',
  'Только сегодня скидка {q}0%',
];

export const BULK_SUBJECTS = [
  '{month} newsletter', 'Webinar invitation: cloud security', 'Last chance: -{q}0% on everything',
  'Дайджест новостей за {month}', 'Product update {q}.{n}',
];

export const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
