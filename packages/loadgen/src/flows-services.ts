/**
 * What each backend service does when called. Each function runs on the caller's `Work` and
 * makes the call (gRPC or HTTP), so the CLIENT/SERVER pair and the server's own children
 * (cache, database, internal spans) come out of one place.
 */
import { bool, dbl, int, str, strs } from './attrs.ts';
import { productIds } from './data.ts';
import type { Work } from './work.ts';

const CATALOG = 'oteldemo.ProductCatalogService';
const CART = 'oteldemo.CartService';
const CHECKOUT = 'oteldemo.CheckoutService';
const PAYMENT = 'oteldemo.PaymentService';
const CURRENCY = 'oteldemo.CurrencyService';
const AUTH = 'shop.auth.v1.AuthService';

/** Gateway -> auth: session lookup (cache first). */
export function validateToken(w: Work): void {
  const sid = w.ctx.shopper.sessionId;
  w.grpc('auth', AUTH, 'ValidateToken', [], (s) => {
    const c = s.cache('GET', `session:${sid.slice(0, 12)}`, 0.93, { tolerate: true });
    if (!c.hit) {
      s.db('SELECT', 'sessions', 'SELECT user_id, scopes, expires_at FROM sessions WHERE token_hash = $1', 1, 700);
      if (s.fault) return;
      s.cache('SET', `session:${sid.slice(0, 12)}`, 1, { tolerate: true });
    }
    s.think(45);
    s.span.attributes.push(bool('app.auth.cache_hit', c.hit), strs('app.auth.scopes', ['catalog:read', 'cart:write', 'orders:read']));
  });
}

/** Gateway -> auth: password login. */
export function login(w: Work): void {
  w.grpc('auth', AUTH, 'Login', [str('app.auth.method', 'password')], (s) => {
    s.db('SELECT', 'users', 'SELECT id, password_hash, locked FROM users WHERE email = $1', 1, 800);
    if (s.fault) return;
    s.internal('bcrypt.CompareHashAndPassword', [str('code.function.name', 'golang.org/x/crypto/bcrypt.CompareHashAndPassword'), int('app.auth.bcrypt_cost', 12)], (b) => b.think(62_000, 0.15));
    s.db('INSERT', 'sessions', 'INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)', 0, 1400);
    if (s.fault) return;
    s.cache('SET', `session:${w.ctx.shopper.sessionId.slice(0, 12)}`, 1, { tolerate: true });
    s.event('user logged in', [str('app.user_id', w.ctx.shopper.userId)]);
  });
}

/** catalog GetProduct: cache-aside over `shop.products`. */
export function getProduct(w: Work, id: string): void {
  w.grpc('catalog', CATALOG, 'GetProduct', [str('app.product.id', id)], (s) => {
    const c = s.cache('GET', `product:${id}`, 0.8, { tolerate: true });
    if (!c.hit) {
      s.event('cache miss', [str('app.cache.key', `product:${id}`)]);
      s.db('SELECT', 'products', 'SELECT id, name, description, picture, price_units, price_nanos, categories FROM products WHERE id = ?', 1, 1100);
      if (s.fault) return;
      s.cache('SET', `product:${id}`, 1, { tolerate: true });
    }
    s.span.attributes.push(str('app.product.name', `Product ${id.slice(0, 4)}`), bool('app.cache.hit', c.hit));
  });
}

/** catalog ListProducts; with `nPlusOne` it loads images one query per product (a classic slow pattern). */
export function listProducts(w: Work, count: number, nPlusOne: boolean): void {
  const ids: string[] = [];
  const rng = w.ctx.rng;
  for (let i = 0; i < count; i++) ids.push(rng.pick(productIds));
  w.grpc('catalog', CATALOG, 'ListProducts', [int('app.products.count', count)], (s) => {
    s.db('SELECT', 'products', 'SELECT id, name, picture, price_units, price_nanos FROM products ORDER BY popularity DESC LIMIT ? OFFSET ?', count, 2200);
    if (s.fault) return;
    if (nPlusOne) {
      for (const id of ids) {
        if (!s.ctx.room(3)) break;
        s.db('SELECT', 'product_images', 'SELECT url, width, height FROM product_images WHERE product_id = ?', rng.int(1, 6), 450);
        if (s.fault) return;
      }
    }
    s.span.attributes.push(strs('app.product.ids', ids.slice(0, 20)));
  });
}

/** catalog SearchProducts: an ILIKE scan, slow-prone. */
export function searchProducts(w: Work, query: string): void {
  w.grpc('catalog', CATALOG, 'SearchProducts', [str('app.search.query', query)], (s) => {
    s.db('SELECT', 'products', "SELECT id, name, picture, price_units FROM products WHERE name ILIKE ? OR description ILIKE ? LIMIT 50", s.ctx.rng.int(0, 50), 11_000);
    if (s.fault) return;
    const n = s.ctx.rng.int(0, 48);
    s.internal('ProductService.rankResults', [str('code.function.name', 'com.shop.catalog.ProductService.rankResults'), int('app.search.results', n)], (r) => r.think(900, 0.7));
    s.span.attributes.push(int('app.search.results', n));
  });
}

/** catalog UpdateStock (used by the inventory job). */
export function updateStock(w: Work, id: string, quantity: number): void {
  w.grpc('catalog', CATALOG, 'UpdateStock', [str('app.product.id', id), int('app.inventory.quantity', quantity)], (s) => {
    s.db('UPDATE', 'products', 'UPDATE products SET stock = ?, updated_at = now() WHERE id = ?', 0, 900);
    if (s.fault) return;
    s.cache('DEL', `product:${id}`, 1, { tolerate: true });
  }, { tolerate: true });
}

/** cart GetCart (Redis hash). */
export function getCart(w: Work): void {
  const items = w.ctx.shopper.cart.length;
  w.grpc('cart', CART, 'GetCart', [], (s) => {
    s.cache('HGETALL', `cart:${s.ctx.shopper.userId}`);
    if (s.fault) return;
    s.event('Fetched cart', [int('app.cart.items', items)]);
    s.span.attributes.push(int('app.cart.items', items));
  });
}

/** cart AddItem. */
export function addItem(w: Work, id: string, quantity: number): void {
  w.grpc('cart', CART, 'AddItem', [str('app.product.id', id), int('app.product.quantity', quantity)], (s) => {
    const key = `cart:${s.ctx.shopper.userId}`;
    s.cache('HGET', key);
    if (s.fault) return;
    s.cache('HSET', key);
    if (s.fault) return;
    s.cache('EXPIRE', key, 1, { tolerate: true });
    s.span.attributes.push(int('app.cart.items', s.ctx.shopper.cart.length + 1));
  });
}

/** cart EmptyCart. */
export function emptyCart(w: Work): void {
  w.grpc('cart', CART, 'EmptyCart', [], (s) => {
    s.cache('DEL', `cart:${s.ctx.shopper.userId}`);
  }, { tolerate: true });
}

/** currency Convert (C++, manual spans only). */
export function convert(w: Work, from: string, to: string): void {
  w.grpc('currency', CURRENCY, 'Convert', [str('app.currency.conversion.from', from), str('app.currency.conversion.to', to)], (s) => {
    s.think(60, 0.4);
    s.event('conversion request successful');
  });
}

/** currency GetSupportedCurrencies. */
export function supportedCurrencies(w: Work): void {
  w.grpc('currency', CURRENCY, 'GetSupportedCurrencies', [], (s) => {
    s.think(40, 0.4);
    s.event('Currencies fetched, returning', [int('app.currency.count', 9)]);
  });
}

/** recommendation (Python, HTTP): cached per user, else candidates from the catalog. */
export function recommendations(w: Work, forProducts: readonly string[]): void {
  const q = `productIds=${forProducts.slice(0, 3).join(',')}`;
  w.http('recommendation', { method: 'GET', route: '/recommendations', path: '/recommendations', query: q }, (s) => {
    const key = `recs:${s.ctx.shopper.userId}`;
    const c = s.cache('GET', key, 0.45, { tolerate: true });
    if (c.hit) return;
    s.internal('get_product_list', [str('code.function.name', 'get_product_list'), str('code.file.path', '/app/recommendation_server.py')], (g) => {
      listProducts(g, 10 + s.ctx.rng.int(0, 10), false);
    });
    if (s.fault) return;
    s.internal('rank_candidates', [str('app.recommendation.model', s.ctx.rng.pick(['als-v2', 'popularity', 'two-tower-v1'])), int('app.recommendation.candidates', 20)], (r) => r.think(2_500, 0.6));
    s.cache('SETEX', key, 1, { tolerate: true });
  }, { tolerate: true });
}

/** shipping (Rust, HTTP) POST /get-quote. */
export function shippingQuote(w: Work, items: number): void {
  w.http('shipping', { method: 'POST', route: '/get-quote', path: '/get-quote', requestBytes: 90 + items * 40 }, (s) => {
    s.internal('calculate-quote', [int('app.shipping.items.count', items)], (c) => {
      c.think(180, 0.5);
      c.event('Received quote', [dbl('app.shipping.cost.total', Math.round(c.ctx.rng.range(4, 40) * 100) / 100)]);
    });
  });
}

/** shipping POST /ship-order. */
export function shipOrder(w: Work): void {
  w.http('shipping', { method: 'POST', route: '/ship-order', path: '/ship-order', requestBytes: 240 }, (s) => {
    s.internal('create-tracking-id', [str('app.shipping.tracking.id', s.ctx.rng.hex(8))], (c) => c.think(40));
  });
}

/** payments (Node.js) Charge: validation, the payment provider (retried once), a ledger row. */
export function charge(w: Work, amount: number, currency: string): void {
  w.grpc('payments', PAYMENT, 'Charge', [dbl('app.payment.amount', amount), str('app.payment.currency', currency)], (s) => {
    s.event('Charge request received', [dbl('app.payment.amount', amount)]);
    s.internal('charge', [str('app.payment.card_type', s.ctx.rng.pick(['visa', 'mastercard', 'amex'])), bool('app.payment.card_valid', true), bool('app.loyalty.level_gold', s.ctx.rng.chance(0.2))], (c) => {
      c.think(300);
      const first = c.external('stripe', 'api.stripe.com', 'POST', '/v1/payment_intents', 260, { tolerate: true });
      if (first) {
        c.event('retrying payment provider', [int('http.request.resend_count', 1)]);
        c.think(250_000, 0.2);
        c.external('stripe', 'api.stripe.com', 'POST', '/v1/payment_intents', 260);
      }
    });
    if (s.fault) return;
    s.db('INSERT', 'payments', 'INSERT INTO payments (id, order_ref, amount_cents, currency, provider_ref) VALUES ($1, $2, $3, $4, $5)', 0, 1300);
    if (s.fault) return;
    s.event('Transaction complete', [str('app.payment.transaction.id', s.ctx.rng.hex(12))]);
  });
}

/** checkout (Go) GetOrder. */
export function getOrder(w: Work, orderId: string): void {
  w.grpc('checkout', CHECKOUT, 'GetOrder', [str('app.order.id', orderId)], (s) => {
    s.db('SELECT', 'orders', 'SELECT id, user_id, status, total_units, total_nanos, currency, created_at FROM orders WHERE id = $1 AND user_id = $2', 1, 900);
    if (s.fault) return;
    s.db('SELECT', 'order_items', 'SELECT product_id, quantity, price_units FROM order_items WHERE order_id = $1', s.ctx.rng.int(1, 8), 800);
  });
}

/** checkout (Go) PlaceOrder: the fan-out that makes mid-sized traces, ending in a Kafka message. */
export function placeOrder(w: Work): void {
  const ctx = w.ctx;
  const shopper = ctx.shopper;
  const items = shopper.cart.length;
  w.grpc('checkout', CHECKOUT, 'PlaceOrder', [str('app.user.currency', shopper.currency), int('app.cart.items', items)], (s) => {
    getCart(s);
    if (s.fault) return;
    s.internal('prepareOrderItemsAndShippingQuoteFromCart', [int('app.cart.items', items)], (p) => {
      for (const id of shopper.cart) {
        if (!ctx.room(40)) break;
        getProduct(p, id);
        if (p.fault) return;
        if (shopper.currency !== 'USD') {
          convert(p, 'USD', shopper.currency);
          if (p.fault) return;
        }
      }
      shippingQuote(p, items);
    });
    if (s.fault) return;
    let totalCents = 0;
    for (let i = 0; i < items; i++) totalCents += ctx.rng.int(299, 24999);
    const total = totalCents / 100;
    charge(s, total, shopper.currency);
    if (s.fault) return;
    shipOrder(s);
    if (s.fault) return;
    const orderId = `${ctx.rng.hex(4)}-${ctx.rng.hex(2)}-${ctx.rng.hex(2)}`;
    s.db('INSERT', 'orders', 'INSERT INTO orders (id, user_id, total_units, total_nanos, currency, created_at) VALUES ($1, $2, $3, $4, $5, now())', 0, 1500);
    if (s.fault) return;
    s.db('INSERT', 'order_items', 'INSERT INTO order_items (order_id, product_id, quantity, price_units) VALUES ($1, $2, $3, $4)', 0, 1200);
    if (s.fault) return;
    let pub = s.publish('orders', orderId, 300 + items * 60, { tolerate: true });
    if (pub.fault) {
      s.event('retrying publish', [str('messaging.destination.name', 'orders')]);
      pub = s.publish('orders', orderId, 300 + items * 60, { tolerate: true });
    }
    if (!pub.fault) {
      for (const group of ['notification', 'fraud-detection'] as const) {
        ctx.followUps.push({
          group,
          startNs: ctx.ns(s.t + ctx.rng.logNormal(40_000_000, 1.2)),
          traceId: ctx.traceId,
          spanId: pub.span.spanId,
          key: orderId,
          partition: pub.partition,
          offset: pub.offset,
          bodySize: 300 + items * 60,
          userId: shopper.userId,
          total,
          items,
        });
      }
    }
    s.event('order placed', [str('app.order.id', orderId), dbl('app.order.total', total)]);
    s.span.attributes.push(str('app.order.id', orderId), dbl('app.order.total', total), int('app.order.items.count', items), strs('app.product.ids', shopper.cart.slice(0, 20)));
    emptyCart(s);
  });
}
