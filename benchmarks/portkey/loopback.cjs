// Preloaded with `node --require` so that Portkey's gateway listens on 127.0.0.1 only. Its start
// script passes no host to the server, and Node then listens on every interface.
'use strict';
const net = require('node:net');

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number') {
    if (args.length === 1 || typeof args[1] === 'function') {
      args.splice(1, 0, '127.0.0.1');
    } else if (args[1] === undefined || args[1] === null) {
      args[1] = '127.0.0.1';
    }
  } else if (args[0] && typeof args[0] === 'object' && args[0].host === undefined && args[0].path === undefined) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }

  return listen.apply(this, args);
};
