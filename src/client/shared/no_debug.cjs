// Put in place of the npm `debug` package by the build (scripts/build.ts):
// simple-peer logs through it only when `localStorage.debug` asks, which no
// player does, and the real package (with `ms`) costs the phone page ~2 KB
// gzipped. Every logger it hands out does nothing and says it is off.
module.exports = function debug() {
  const log = function () {};
  log.enabled = false;
  log.extend = debug;
  return log;
};
