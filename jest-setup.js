// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// jsdom has no canvas; Grafana's Combobox measures option text with one.
HTMLCanvasElement.prototype.getContext = () => ({ measureText: (text) => ({ width: text.length * 7 }) });

// @grafana/scenes observes element visibility; jsdom has no IntersectionObserver.
global.IntersectionObserver = class IntersectionObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
};
