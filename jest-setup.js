// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// jsdom has no canvas. @grafana/ui's Combobox sizes its menu with a 2D context's measureText, so give
// it one that measures a fixed 7 px per character (jsdom does no layout; sizes only need to be numbers).
HTMLCanvasElement.prototype.getContext = function getContext(kind) {
  if (kind !== '2d') {
    return null;
  }
  return { font: '', measureText: (text) => ({ width: String(text).length * 7 }) };
};

// jsdom has no IntersectionObserver either; the Combobox menu's scroll indicators observe with one.
// Nothing intersects in jsdom, so an observer that never reports is faithful enough.
if (!('IntersectionObserver' in window)) {
  window.IntersectionObserver = class IntersectionObserver {
    observe() {}
    unobserve() {}
    disconnect() {}
    takeRecords() {
      return [];
    }
  };
}
