// PeerJS's signaling server (npm `peer`), as its README starts it, bound to
// loopback for `deno task bench`. Limits that would refuse the benchmark's
// load are raised here, visibly: concurrent_limit (default 5000) must allow
// the 10,000-connection memory measure.
"use strict";
const { PeerServer } = require("peer");

const port = Number(process.env.PORT || 9000);
const host = process.env.HOST || "127.0.0.1";
const CONCURRENT_LIMIT = Number(process.env.PEERJS_CONCURRENT_LIMIT || 50000);

PeerServer(
  { port, host, path: "/", concurrent_limit: CONCURRENT_LIMIT },
  (server) => {
    console.log(
      `PeerJS server listening on http://${host}:${server.address().port}/`,
    );
  },
);
