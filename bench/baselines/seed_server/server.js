// The seed article's signaling server ("WebSockets + Node.js server", part 2 of
// the Pizza Peers devlog), kept as written, with only the fixes it needs to
// run. Each fix is marked "FIX:". Used by `deno task bench` as a baseline.
// Kept out of deno fmt and deno lint (deno.json) so it stays as the article has it.
//
// How the benchmark sends trickle ICE candidates to it: the seed has no
// candidate message, so, like a seed client with trickle enabled would, the
// player sends each candidate as an extra `joinRoom` whose `offer` is
// `{type:"candidate", candidate}` (relayed to the host with clientUsername),
// and the host sends each candidate as an extra `offerResponse` whose
// `response` is the candidate (relayed to the player).
process.title = 'pizza-peers';
var webSocketsServerPort = process.env.PORT || 8888;
// FIX: listen on loopback only when asked (the benchmark sets HOST=127.0.0.1).
var listenHost = process.env.HOST || undefined;

var WebSocketServer = require('websocket').server;
var http = require('http');

// stuff for creating an app that is a WEBSOCKET and also serves STATIC FILES
var WebSocketServer = require('websocket').server;
var express         = require('express');
var app             = express();
var server          = app.listen(webSocketsServerPort, listenHost, function() {
	console.log((new Date()) + " Server is listening on port " + webSocketsServerPort);
});

// create the web socket server (using the HTTP server as a basis)
var wsServer        = new WebSocketServer({ httpServer : server });

// this will make Express serve your static files (from the folder /public)
app.use(express.static(__dirname + '/public'));

// Global variable that contains all games currently being played!
var rooms = {}

// FIX: the article calls generateID() without showing it. Four uppercase
// letters, as the game's room codes are, retried until unused.
function generateID() {
	var letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
	var id;
	do {
		id = '';
		for (var i = 0; i < 4; i++) {
			id += letters[Math.floor(Math.random() * letters.length)];
		}
	} while (rooms[id]);
	return id;
}

// WebSocket server
wsServer.on('request', function(request) {
	// accept the connection
	var connection = request.accept(null, request.origin);

	// create a persistent variable for our roomID; means we don't need to look it up all the time, which is faster
	var roomID = -1;
	var isServer = false;

	// The most important callback: we'll handle all messages from users here.
	connection.on('message', function(message) {
		// FIX: the `websocket` package hands over a frame ({type, utf8Data}),
		// not the parsed JSON the article's handler reads.
		message = JSON.parse(message.utf8Data);

		//
		// if this message is a CREATE ROOM message
		//
		if(message.action == "createRoom") {
			// generate a (non-existing) ID
			var id = generateID();

			// insert it into rooms (effectively creating a new room)
			// each room simply knows which socket is the server, and which are the players
			rooms[id] = {
				"server": connection,
				"players": [],
				"gameStarted": false
			};

			// remember our roomID
			roomID = id;

			// rember we function as a server
			isServer = true;

			// beam the room number back to the connection
			connection.sendUTF(JSON.stringify({ "type": "confirmRoom", "room": roomID }));

		//
		// if this message is a JOIN ROOM message
		//
		} else if(message.action == "joinRoom") {
			// which room should we join?
			var roomToJoin = message.room

			// what is the player username?
			var usn = message.username

			// add this player to that room
			rooms[roomToJoin].players[usn] = connection;

			// remember we joined the room
			roomID = roomToJoin;

			// we want to connect with the server (peer-to-peer)
			// for this, the player generates an "invitation" or "offer"
			// it sends this along with the message
			var offer = message.offer;

			// append the USERNAME of the client extending the offer
			// (otherwise, the server doesn't know to whom the response needs to be send)
			offer.clientUsername = usn;

			// now relay this offer to the server
			rooms[roomToJoin].server.sendUTF(JSON.stringify(offer));

		//
		// if this message is an OFFER RESPONSE
		//
		} else if(message.action == "offerResponse") {
			// get the client that should receive it
			var receivingClient = message.clientUsername

			// get the response
			var offerResponse = message.response;

			// send the response
			rooms[roomID].players[receivingClient].sendUTF(JSON.stringify(offerResponse));
		} // FIX: this closing brace is missing in the article.
	});

	// user connection closed
	connection.on('close', function(connection) {
    // if you want, you can use this space to delete games and free up space once a game has ended
	});
});
