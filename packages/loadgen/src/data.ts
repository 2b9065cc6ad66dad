/** Static data the flows draw from: products, queries, user agents, faults and stack frames. */
import { Rng } from './random.ts';
import type { ServiceName } from './topology.ts';

// Fixed seed: the catalogue is the same for every generator.
const catalogRng = new Rng('tracegres-catalog');
export const productIds: readonly string[] = Array.from({ length: 240 }, () =>
  catalogRng.alnum(10, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
);

export const categories = ['telescopes', 'binoculars', 'accessories', 'books', 'eyepieces', 'mounts', 'filters', 'cameras'];
export const currencies = ['USD', 'EUR', 'GBP', 'JPY', 'CAD', 'CHF', 'SEK', 'PLN', 'AUD'];
export const countries = ['US', 'DE', 'FR', 'GB', 'NL', 'ES', 'JP', 'CA', 'PL', 'SE'];
export const tenants = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark'];
export const regions = ['eu-west-1', 'eu-central-1', 'us-east-1'];
export const tiers = [['free', 70], ['pro', 25], ['enterprise', 5]] as const;
export const searchTerms = [
  'telescope', 'binoculars', 'lens cleaner', 'star chart', 'tripod', 'red flashlight', 'solar filter',
  'eyepiece 25mm', 'barlow lens', 'dew heater', 'planisphere', 'refractor 80mm', 'dobsonian', 'moon filter',
];
export const mobileAgents = [
  'ShopApp/5.2.1 (iPhone; iOS 18.6; Scale/3.00)',
  'ShopApp/5.2.0 (Android 15; Pixel 8; okhttp/4.12.0)',
  'ShopApp/5.1.9 (Android 14; SM-S918B; okhttp/4.12.0)',
  'python-requests/2.32.5',
  'Go-http-client/2.0',
];

/** A failure injected at one point of a trace and propagated to callers. */
export interface Fault {
  /** exception.type as the failing component's language names it. */
  readonly type: string;
  readonly message: string;
  /** gRPC status code a server answers with (0 = OK). */
  readonly grpcCode: number;
  /** HTTP status the edge answers with. */
  readonly httpStatus: number;
  /** Short value for `error.type`. */
  readonly errorType: string;
}

export const grpcCodeNames = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED',
  'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];

/** gRPC codes that mark a *server* span as an error (semantic conventions). */
export const grpcServerErrorCodes = new Set([2, 4, 12, 13, 14, 15]);

/** HTTP status for a gRPC code, as a gateway maps it. */
export function httpStatusForGrpc(code: number): number {
  switch (code) {
    case 0: return 200;
    case 3: case 9: case 11: return 400;
    case 16: return 401;
    case 7: return 403;
    case 5: return 404;
    case 6: case 10: return 409;
    case 8: return 429;
    case 12: return 501;
    case 14: return 503;
    case 4: return 504;
    default: return 500;
  }
}

type FaultSpec = readonly [type: string, message: string, grpcCode: number];

/** Faults a service's own handler can raise. */
export const serviceFaults: Record<ServiceName, readonly FaultSpec[]> = {
  'web-frontend': [['TypeError', 'Failed to fetch', 14]],
  'api-gateway': [
    ['*errors.errorString', 'upstream connect error or disconnect/reset before headers. reset reason: connection termination', 14],
    ['context.deadlineExceededError', 'context deadline exceeded', 4],
  ],
  auth: [
    ['*status.Error', 'rpc error: code = Unauthenticated desc = token expired', 16],
    ['*jwt.ValidationError', 'token signature is invalid: crypto/rsa: verification error', 16],
  ],
  catalog: [
    ['com.shop.catalog.ProductNotFoundException', 'Product not found: %id', 5],
    ['java.lang.NullPointerException', 'Cannot invoke "com.shop.catalog.Price.getUnits()" because "price" is null', 13],
  ],
  cart: [
    ['StackExchange.Redis.RedisConnectionException', "No connection is active/available to service this operation: HGETALL cart:%user", 14],
    ['System.InvalidOperationException', 'Cart is locked by another request', 10],
  ],
  checkout: [
    ['*errors.errorString', 'failed to prepare order: shipping quote expired', 9],
    ['*fmt.wrapError', 'failed to charge card: could not charge the card: rpc error: code = Unavailable', 14],
  ],
  payments: [
    ['CardDeclinedError', 'Your card was declined. (decline_code: insufficient_funds)', 9],
    ['UnsupportedCardTypeError', 'Credit card type "diners_club" is not accepted', 3],
  ],
  shipping: [['shipping::quote::QuoteError', 'failed to compute quote: destination zip code is not serviceable', 9]],
  currency: [['std::invalid_argument', 'Unsupported currency code: XTS', 3]],
  recommendation: [
    ['ValueError', 'empty candidate list for user %user', 13],
    ['redis.exceptions.ConnectionError', 'Error 111 connecting to redis-master.data.svc.cluster.local:6379. Connection refused.', 14],
  ],
  notification: [['smtplib.SMTPRecipientsRefused', "{'%user@example.com': (550, b'5.1.1 mailbox unavailable')}", 13]],
  'fraud-detection': [['java.lang.IllegalStateException', 'Scoring model not loaded yet', 13]],
  'inventory-sync': [['org.springframework.dao.QueryTimeoutException', 'PreparedStatementCallback; SQL []; ERROR: canceling statement due to statement timeout', 13]],
};

/** Postgres errors: [SQLSTATE, message, gRPC code of the service that hits it]. */
export const dbFaults: readonly FaultSpec[] = [
  ['57014', 'ERROR: canceling statement due to statement timeout', 4],
  ['40P01', 'ERROR: deadlock detected', 10],
  ['53300', 'FATAL: remaining connection slots are reserved for non-replication superuser connections', 14],
  ['23505', 'ERROR: duplicate key value violates unique constraint "orders_pkey"', 6],
];

export const dbExceptionType: Record<string, string> = {
  java: 'org.postgresql.util.PSQLException',
  go: '*pgconn.PgError',
  python: 'psycopg.errors.DatabaseError',
  nodejs: 'DatabaseError',
  dotnet: 'Npgsql.PostgresException',
};

export const cacheFaults: Record<string, FaultSpec> = {
  java: ['io.lettuce.core.RedisCommandTimeoutException', 'Command timed out after 1 second(s)', 4],
  go: ['*net.OpError', 'dial tcp 10.42.9.17:6379: i/o timeout', 14],
  python: ['redis.exceptions.TimeoutError', 'Timeout reading from socket', 4],
  nodejs: ['Error', 'Connection is closed.', 14],
  dotnet: ['StackExchange.Redis.RedisTimeoutException', 'Timeout performing HGETALL (5000ms), inst: 1, qu: 0, qs: 12', 4],
};

/** Call-stack frames per service: [function, file]. Line numbers are fixed per frame. */
const frames: Record<ServiceName, readonly (readonly [string, string])[]> = {
  'web-frontend': [['window.fetch', 'assets/index-B3k9x.js'], ['apiRequest', 'assets/index-B3k9x.js'], ['ProductPage.load', 'assets/product-Cq1.js']],
  'api-gateway': [['main.(*proxy).ServeHTTP', '/app/gateway/proxy.go'], ['net/http.HandlerFunc.ServeHTTP', '/usr/local/go/src/net/http/server.go'], ['main.withAuth.func1', '/app/gateway/auth.go']],
  auth: [['main.(*authServer).ValidateToken', '/app/auth/server.go'], ['main.parseJWT', '/app/auth/jwt.go']],
  catalog: [
    ['com.shop.catalog.ProductRepository.findById', 'ProductRepository.java'],
    ['com.shop.catalog.ProductService.getProduct', 'ProductService.java'],
    ['com.shop.catalog.grpc.CatalogGrpcService.getProduct', 'CatalogGrpcService.java'],
    ['io.grpc.stub.ServerCalls$UnaryServerCallHandler$UnaryServerCallListener.onHalfClose', 'ServerCalls.java'],
  ],
  cart: [['Shop.Cart.RedisCartStore.GetCartAsync', '/app/src/RedisCartStore.cs'], ['Shop.Cart.CartService.GetCart', '/app/src/CartService.cs']],
  checkout: [['main.(*checkout).PlaceOrder', '/app/checkout/main.go'], ['main.(*checkout).prepareOrderItemsAndShippingQuoteFromCart', '/app/checkout/main.go']],
  payments: [['charge', '/app/payments/charge.js'], ['Object.chargeServiceHandler [as charge]', '/app/payments/index.js'], ['process.processTicksAndRejections', 'node:internal/process/task_queues']],
  shipping: [['shipping::quote::compute', './src/quote.rs'], ['shipping::handlers::get_quote', './src/handlers.rs']],
  currency: [['CurrencyService::Convert', '/app/src/server.cpp'], ['getCurrencyData', '/app/src/currency.cpp']],
  recommendation: [['get_product_list', '/app/recommendation_server.py'], ['ListRecommendations', '/app/recommendation_server.py']],
  notification: [['send_confirmation', '/app/notification/mailer.py'], ['process_order', '/app/notification/consumer.py']],
  'fraud-detection': [['com.shop.fraud.OrderScorer.score', 'OrderScorer.kt'], ['com.shop.fraud.OrderConsumer.onMessage', 'OrderConsumer.kt']],
  'inventory-sync': [['com.shop.inventory.SyncJob.processChunk', 'SyncJob.java'], ['com.shop.inventory.SyncJob.run', 'SyncJob.java']],
};

function lineOf(fn: string): number {
  let h = 0;
  for (let i = 0; i < fn.length; i++) h = (h * 31 + fn.charCodeAt(i)) % 997;
  return 12 + (h % 480);
}

/** A stack trace in the style of the service's language. */
export function stackTrace(service: ServiceName, language: string, type: string, message: string): string {
  const fs = frames[service];
  switch (language) {
    case 'java':
      return `${type}: ${message}\n${fs.map(([f, file]) => `\tat ${f}(${file}:${lineOf(f)})`).join('\n')}\n\tat java.base/java.lang.Thread.run(Thread.java:1583)`;
    case 'go':
      return `goroutine ${lineOf(type) * 7} [running]:\n${fs.map(([f, file]) => `${f}(...)\n\t${file}:${lineOf(f)} +0x${(lineOf(f) * 13).toString(16)}`).join('\n')}`;
    case 'python':
      return `Traceback (most recent call last):\n${fs
        .slice()
        .reverse()
        .map(([f, file]) => `  File "${file}", line ${lineOf(f)}, in ${f}`)
        .join('\n')}\n${type}: ${message}`;
    case 'dotnet':
      return `${type}: ${message}\n${fs.map(([f, file]) => `   at ${f}() in ${file}:line ${lineOf(f)}`).join('\n')}`;
    case 'rust':
      return fs.map(([f, file], i) => `  ${i}: ${f}\n             at ${file}:${lineOf(f)}:9`).join('\n');
    case 'webjs':
      return `${type}: ${message}\n${fs.map(([f, file]) => `    at ${f} (https://shop.example.com/${file}:2:${lineOf(f) * 97})`).join('\n')}`;
    default:
      return `${type}: ${message}\n${fs.map(([f, file]) => `    at ${f} (${file}:${lineOf(f)}:11)`).join('\n')}`;
  }
}
