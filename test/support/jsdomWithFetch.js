// A jsdom test environment that also has Node's fetch (jsdom has none), for tests that compare what the
// plugin shows in a jsdom "browser" with what the simulator's API says, read by the shared client's
// fetchTransport. The plugin itself never uses it: it talks through the backend_srv stand-in.
const { TestEnvironment } = require('jest-environment-jsdom');

class JsdomWithFetch extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of ['fetch', 'Headers', 'Request', 'Response', 'ReadableStream', 'TextDecoder', 'TextEncoder']) {
      this.global[name] ??= globalThis[name];
    }
  }
}

module.exports = JsdomWithFetch;
