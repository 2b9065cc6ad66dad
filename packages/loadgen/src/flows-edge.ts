/**
 * Where traces start: a browser (document load or a click, then fetches to the gateway) or an
 * API client calling the gateway directly. The gateway authenticates and routes to backends.
 */
import type { KeyValue } from '@tracegres/otlp';
import { int, str } from './attrs.ts';
import { categories, mobileAgents, productIds, searchTerms } from './data.ts';
import {
  addItem, convert, getCart, getOrder, getProduct, listProducts, login, placeOrder, recommendations,
  searchProducts, supportedCurrencies, validateToken,
} from './flows-services.ts';
import type { ServiceInstance } from './topology.ts';
import { Kind, resourceTimingEvents, uaOf, type TraceCtx } from './trace-ctx.ts';
import { serveHttp, Work, type HttpRequest } from './work.ts';

export const scenarios = [
  'home', 'product', 'search', 'addToCart', 'viewCart', 'checkout', 'login',
  'apiProduct', 'apiOrder', 'apiList', 'apiCurrencies',
] as const;
export type Scenario = (typeof scenarios)[number];

/** How often each entry point happens (relative weights). */
export const scenarioWeights: readonly (readonly [Scenario, number])[] = [
  ['home', 13], ['product', 22], ['search', 9], ['addToCart', 10], ['viewCart', 8], ['checkout', 8],
  ['login', 4], ['apiProduct', 11], ['apiOrder', 5], ['apiList', 6], ['apiCurrencies', 4],
];

interface Route {
  req: HttpRequest;
  auth: boolean;
  handle: (w: Work) => void;
}

function localize(w: Work): void {
  const cur = w.ctx.shopper.currency;
  if (!w.fault && cur !== 'USD') convert(w, 'USD', cur);
}

/** The gateway's routes. */
const routes = {
  list(ctx: TraceCtx): Route {
    const size = ctx.rng.pick([12, 24, 24, 48, 48, 96]);
    const page = ctx.rng.count(1, 1.6, 30);
    return {
      req: { method: 'GET', route: '/api/products', path: '/api/products', query: `page=${page}&size=${size}&category=${ctx.rng.pick(categories)}`, responseBytes: size * 410 },
      auth: false,
      handle: (w) => {
        listProducts(w, size, ctx.rng.chance(0.35));
        localize(w);
      },
    };
  },
  product(ctx: TraceCtx, id: string): Route {
    return {
      req: { method: 'GET', route: '/api/products/{id}', path: `/api/products/${id}`, responseBytes: ctx.rng.int(900, 2600) },
      auth: true,
      handle: (w) => {
        getProduct(w, id);
        localize(w);
      },
    };
  },
  search(ctx: TraceCtx): Route {
    const q = ctx.rng.pick(searchTerms);
    return {
      req: { method: 'GET', route: '/api/search', path: '/api/search', query: `q=${encodeURIComponent(q)}` },
      auth: false,
      handle: (w) => searchProducts(w, q),
    };
  },
  recommendations(ctx: TraceCtx, ids: string[]): Route {
    return {
      req: { method: 'GET', route: '/api/recommendations', path: '/api/recommendations', query: `productIds=${ids.join(',')}` },
      auth: false,
      handle: (w) => recommendations(w, ids),
    };
  },
  cart(ctx: TraceCtx): Route {
    return {
      req: { method: 'GET', route: '/api/cart', path: '/api/cart', responseBytes: 120 + ctx.shopper.cart.length * 350 },
      auth: true,
      handle: (w) => {
        getCart(w);
        for (const id of ctx.shopper.cart) {
          if (w.fault || !ctx.room(12)) break;
          getProduct(w, id);
          localize(w);
        }
      },
    };
  },
  addItem(ctx: TraceCtx, id: string): Route {
    const qty = ctx.rng.count(1, 1.4, 10);
    return {
      req: { method: 'POST', route: '/api/cart/items', path: '/api/cart/items', requestBytes: 64, okStatus: 201 },
      auth: true,
      handle: (w) => {
        getProduct(w, id);
        if (!w.fault) addItem(w, id, qty);
      },
    };
  },
  checkout(ctx: TraceCtx): Route {
    return {
      req: { method: 'POST', route: '/api/checkout', path: '/api/checkout', requestBytes: ctx.rng.int(380, 900), okStatus: 201 },
      auth: true,
      handle: (w) => placeOrder(w),
    };
  },
  login(ctx: TraceCtx): Route {
    return {
      req: { method: 'POST', route: '/api/login', path: '/api/login', requestBytes: ctx.rng.int(60, 120) },
      auth: false,
      handle: (w) => login(w),
    };
  },
  order(ctx: TraceCtx): Route {
    const id = `${ctx.rng.hex(4)}-${ctx.rng.hex(2)}-${ctx.rng.hex(2)}`;
    return {
      req: { method: 'GET', route: '/api/orders/{id}', path: `/api/orders/${id}` },
      auth: true,
      handle: (w) => getOrder(w, id),
    };
  },
  currencies(): Route {
    return {
      req: { method: 'GET', route: '/api/currencies', path: '/api/currencies', responseBytes: 180 },
      auth: false,
      handle: (w) => supportedCurrencies(w),
    };
  },
};

function gatewayHandler(route: Route, api: boolean): (w: Work) => void {
  return (w) => {
    if (api) w.cache('INCR', `ratelimit:${w.ctx.shopper.userId}`, 1, { tolerate: true });
    if (route.auth && w.ctx.shopper.loggedIn) {
      validateToken(w);
      if (w.fault) return;
    }
    route.handle(w);
  };
}

/** Browser -> gateway fetch. */
function fetchRoute(w: Work, route: Route, tolerate = false): void {
  w.http('api-gateway', route.req, gatewayHandler(route, false), { tolerate });
}

const docTimings = [
  'fetchStart', 'unloadEventStart', 'unloadEventEnd', 'domInteractive', 'domContentLoadedEventStart',
  'domContentLoadedEventEnd', 'domComplete', 'loadEventStart', 'loadEventEnd',
];

const assets = [
  '/assets/index-B3k9x.js', '/assets/vendor-D8f2a.js', '/assets/index-C71e0.css', '/assets/product-Cq1.js',
  '/images/logo.svg', '/fonts/inter-var.woff2', '/images/hero-2025.webp', '/assets/cart-A09b.js',
  '/images/products/telescope-1.webp', '/images/products/binoculars.webp', '/favicon.ico', '/manifest.json',
];

function browserRoot(ctx: TraceCtx, inst: ServiceInstance, page: string, kind: 'documentLoad' | 'click', extra: KeyValue[]): Work {
  const role = kind === 'documentLoad' ? 'documentLoad' : 'userInteraction';
  const attrs: KeyValue[] = [str('url.full', `https://shop.example.com${page}`), ...extra, ...ctx.browserCommon];
  const span = ctx.startSpan(inst, inst.service.scopes[role], kind, Kind.INTERNAL, null, 0, attrs);
  return new Work(ctx, inst, span, 0);
}

function pageLoad(ctx: TraceCtx, inst: ServiceInstance): void {
  const rng = ctx.rng;
  const page = rng.pick(['/', '/', '/products', `/category/${rng.pick(categories)}`]);
  const w = browserRoot(ctx, inst, page, 'documentLoad', [str('user_agent.original', uaOf(inst))]);
  w.internal('documentFetch', [str('url.full', `https://shop.example.com${page}`), int('http.response_content_length', rng.int(3000, 9000))], (d) => {
    const t0 = d.t;
    d.think(140_000, 0.6);
    resourceTimingEvents(ctx, d.span, t0, d.t);
  }, 'documentLoad');
  const n = rng.int(3, 12);
  const branches: ((b: Work) => void)[] = [];
  for (let i = 0; i < n; i++) {
    const asset = assets[i % assets.length];
    branches.push((b) => {
      b.internal('resourceFetch', [str('url.full', `https://shop.example.com${asset}`), int('http.response_content_length', rng.int(800, 180_000))], (r) => {
        const t0 = r.t;
        r.think(45_000, 0.8);
        resourceTimingEvents(ctx, r.span, t0, r.t);
      }, 'documentLoad');
    });
  }
  w.parallel(branches);
  const shown = [rng.pick(productIds), rng.pick(productIds)];
  w.parallel([
    (b) => fetchRoute(b, routes.list(ctx), true),
    (b) => fetchRoute(b, routes.recommendations(ctx, shown), true),
    (b) => fetchRoute(b, routes.currencies(), true),
  ]);
  w.think(8_000);
  const end = w.t;
  docTimings.forEach((name, i) => ctx.event(w.span, (end * i) / (docTimings.length - 1), name));
  w.finish();
}

function click(ctx: TraceCtx, inst: ServiceInstance, page: string, targetId: string, body: (w: Work) => void): void {
  const w = browserRoot(ctx, inst, page, 'click', [
    str('event_type', 'click'), str('target_element', 'BUTTON'), str('target_xpath', `//*[@id="${targetId}"]`),
  ]);
  w.think(400);
  body(w);
  w.think(2_000);
  w.finish();
}

/** An API client (mobile app, script) calling the gateway with no browser span above. */
function apiCall(ctx: TraceCtx, route: Route): void {
  const gw = ctx.rng.pick(ctx.topo.services['api-gateway'].instances);
  const ip = `${ctx.rng.int(31, 213)}.${ctx.rng.int(0, 255)}.${ctx.rng.int(0, 255)}.${ctx.rng.int(1, 254)}`;
  serveHttp(ctx, gw, route.req, null, { ip, peerIp: '10.42.0.12', userAgent: ctx.rng.pick(mobileAgents), scheme: 'https', protocol: '2' }, 0, gatewayHandler(route, true));
}

/** Builds one trace for `scenario` into `ctx`. */
export function runScenario(ctx: TraceCtx, scenario: Scenario): void {
  const rng = ctx.rng;
  const browser = rng.pick(ctx.topo.services['web-frontend'].instances);
  const product = rng.pick(productIds);
  switch (scenario) {
    case 'home':
      return pageLoad(ctx, browser);
    case 'product':
      return click(ctx, browser, '/', `product-${product}`, (w) => {
        w.parallel([
          (b) => fetchRoute(b, routes.product(ctx, product)),
          (b) => fetchRoute(b, routes.recommendations(ctx, [product]), true),
        ]);
      });
    case 'search':
      return click(ctx, browser, '/', 'search-button', (w) => fetchRoute(w, routes.search(ctx)));
    case 'addToCart':
      return click(ctx, browser, `/product/${product}`, 'add-to-cart', (w) => {
        fetchRoute(w, routes.addItem(ctx, product));
        if (!w.fault) fetchRoute(w, routes.cart(ctx));
      });
    case 'viewCart':
      return click(ctx, browser, '/', 'cart-icon', (w) => fetchRoute(w, routes.cart(ctx)));
    case 'checkout':
      return click(ctx, browser, '/cart/checkout', 'place-order', (w) => fetchRoute(w, routes.checkout(ctx)));
    case 'login':
      return click(ctx, browser, '/login', 'login-submit', (w) => fetchRoute(w, routes.login(ctx)));
    case 'apiProduct':
      return apiCall(ctx, routes.product(ctx, product));
    case 'apiOrder':
      return apiCall(ctx, routes.order(ctx));
    case 'apiList':
      return apiCall(ctx, routes.list(ctx));
    case 'apiCurrencies':
      return apiCall(ctx, routes.currencies());
  }
}
