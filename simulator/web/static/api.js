/*
 * Agent Desktop Simulator: the adApi shim (window.brightpattern.AdApi), API 5.19.
 *
 * What a CRM page gets from <tenant>/agent/communicator/adapters/api.js, with the vendor's
 * semantics: `new AdApi(options)`, `on`/`remove`, every method returning a Promise of the
 * OperationResult envelope, the hello/hi/ready handshake with calls queued until `ready`,
 * `injectMessageLogger`, needResponse callbacks answered with the last non-undefined handler
 * result, the built-in default handlers, and the 20 s `api_not_answer` timeout.
 *
 * The "widget" on the other side is the simulator (simulator/web/endpoint.py). Packets are the
 * vendor's `{uid, type, params, noHandlers?}`; they travel over a swappable transport
 * `{send(packet), listen(onPacket)}` instead of window.postMessage:
 *   - `brightpattern.transport` set before construction (the Node runner's stdio transport);
 *   - else QWebChannel when the page runs in the simulator window (qt.webChannelTransport);
 *   - else none: calls stay queued and time out with api_not_answer.
 * Some packet types are ours, not the vendor's, and never reach the message logger:
 * `__attach__` (an AdApi was constructed: the simulator answers `hello`), `__handled__` (every
 * handler of one callback has finished; `error` when one threw), `__log__` (console lines) and
 * `__pong__` (the answer to the simulator's `__ping__`: this event loop still runs).
 *
 * Tests shorten the timeout with `brightpattern.apiTimeoutMs` set before construction.
 * Works as a classic <script>, as CommonJS (`require`) and from ES modules (`import`).
 *
 * Two widget generations, one file. Loaded from /agent/communicator/adapters/api.js (or with
 * nothing said) it is the Comm.Widget 1.0 adapter above. Loaded from
 * /agent/crmembedded/adapters/api.js (or with `brightpattern.widgetVersion = "2.0"` set before
 * it loads: the Node runner) `brightpattern.AdApi` is the Comm.Widget 2.0 adapter class: a
 * generic `apiCall(type, args)` behind every method, `on`/`remove`/`injectMessageLogger`/
 * `onCommWidgetReady` on its prototype and no private members among its methods, `openLogin`
 * instead of `login`, `getChatTranscript`/`getVoiceTranscript`, the widget frame under
 * /agent/crmembedded/, a `comm-widget-ready` packet after the handshake, and
 * ON_SAVE_ACTIVITY_RECORD answered (its handlers may return an ActivityRecordInfo).
 */
(function (root, factory) {
  "use strict";
  var api = factory(root);
  var ns = (root.brightpattern = root.brightpattern || {});
  ns.AdApi = api.AdApi;
  ns.widgetVersion = api.WIDGET;
  ns.transports = api.transports;
  ns.METHODS = api.METHODS;
  ns.NEED_RESPONSE = api.NEED_RESPONSE;
  if (typeof module === "object" && module && module.exports) {
    module.exports = api;
  }
})(typeof globalThis !== "undefined" ? globalThis : this, function (root) {
  "use strict";

  var DEFAULT_TIMEOUT_MS = 20000;
  /** A call's answer once the transport has ended (the run is over, or a reload): nobody is
   * left to answer it. */
  function gone() {
    var message = "adsim has closed this connection (the run ended, or a reload)";
    return { status: "error", error: { code: 6, name: "api_not_answer", message: message } };
  }
  var WIDGET = (function () {
    var ns = root.brightpattern || {};
    if (ns.widgetVersion) return String(ns.widgetVersion) === "2.0" ? "2.0" : "1.0";
    var script = root.document && root.document.currentScript;
    return script && /\/agent\/crmembedded\/adapters\//.test(script.src || "") ? "2.0" : "1.0";
  })();
  var WIDGET_WIDTH_PX = 500;
  var MINIMIZED_WIDTH_PX = 44;

  // [camelCase method, request message]: every method of API 5.19 (plus the few later ones the
  // simulator answers api_method_not_implemented for). Keep in step with
  // simulator/handlers/ad_api.py (tests/unit/test_web_shim.py checks it).
  var METHODS = [
    ["getLoginState", "GET_LOGIN_STATE"],
    ["login", "LOGIN"],
    ["openLogin", "OPEN_LOGIN"],
    ["logout", "LOGOUT"],
    ["getAgentState", "GET_AGENT_STATE"],
    ["setAgentState", "SET_AGENT_STATE"],
    ["getAgentNotReadyReasons", "GET_AGENT_NOT_READY_REASONS"],
    ["acceptInteraction", "ACCEPT_INTERACTION"],
    ["rejectInteraction", "REJECT_INTERACTION"],
    ["startCall", "START_CALL"],
    ["startChat", "START_CHAT"],
    ["startEmail", "START_EMAIL"],
    ["sendDtmf", "SEND_DTMF"],
    ["consultCall", "CONSULT_CALL"],
    ["blindTransfer", "BLIND_TRANSFER"],
    ["transfer", "TRANSFER"],
    ["leaveInteraction", "LEAVE_INTERACTION"],
    ["completeInteraction", "COMPLETE_INTERACTION"],
    ["leaveAndCompleteInteraction", "LEAVE_AND_COMPLETE_INTERACTION"],
    ["switchActiveInteraction", "SWITCH_ACTIVE_INTERACTION"],
    ["inviteToCallConference", "INVITE_TO_CALL_CONFERENCE"],
    ["removeFromCallConference", "REMOVE_FROM_CALL_CONFERENCE"],
    ["destroyCallConference", "DESTROY_CALL_CONFERENCE"],
    ["mergeAllCallsIntoConference", "MERGE_ALL_CALLS_INTO_CONFERENCE"],
    ["inviteToChatConference", "INVITE_TO_CHAT_CONFERENCE"],
    ["removeFromChatConference", "REMOVE_FROM_CHAT_CONFERENCE"],
    ["getTeams", "GET_TEAMS"],
    ["getTeamMembers", "GET_TEAM_MEMBERS"],
    ["getServicesList", "GET_SERVICES_LIST"],
    ["getService", "GET_SERVICE"],
    ["setService", "SET_SERVICE"],
    ["getDIDNumbersList", "GET_DID_LIST"],
    ["getDIDNumber", "GET_DID"],
    ["setDIDNumber", "SET_DID"],
    ["getDispositionsList", "GET_DISPOSITIONS_LIST"],
    ["setDisposition", "SET_DISPOSITION"],
    ["setRescheduleWindow", "SET_RESCHEDULE"],
    ["addNote", "ADD_NOTE"],
    ["updateNote", "UPDATE_NOTE"],
    ["replaceNote", "REPLACE_NOTE"],
    ["getConfig", "GET_CONFIG"],
    ["setVariable", "SET_VARIABLE"],
    ["getVariables", "GET_VARIABLES"],
    ["addInteractionAssociatedObject", "ADD_INTERACTION_ASSOCIATED_OBJECT"],
    ["setInteractionActiveScreen", "SET_INTERACTION_ACTIVE_SCREEN"],
    ["getPhoneDevicesList", "GET_PHONE_DEVICES_LIST"],
    ["getPhoneDevice", "GET_PHONE_DEVICE"],
    ["setPhoneDevice", "SET_PHONE_DEVICE"],
    ["setCallHold", "SET_CALL_HOLD"],
    ["setCallRecording", "SET_CALL_RECORDING"],
    ["setCallMute", "SET_CALL_MUTE"],
    ["setCallRecordingMute", "SET_CALL_RECORDING_MUTE"],
    ["setScreenRecordingMute", "SET_SCREEN_RECORDING_MUTE"],
    ["getScreenRecordingState", "GET_SCREEN_RECORDING_STATE"],
    ["setWidgetMinimized", "SET_WIDGET_MINIMIZED"],
    ["sendChatMessage", "SEND_CHAT_MESSAGE"],
    ["suggestChatMessage", "SUGGEST_CHAT_MESSAGE"],
    ["activatePage", "ACTIVATE_PAGE"],
    ["getInteractionsState", "GET_INTERACTIONS_STATE"],
    ["setDialCandidates", "SET_DIAL_CANDIDATES"],
  ];

  // The Comm.Widget 2.0 adapter's methods: 1.0's without `login`, plus these.
  var METHODS_2 = [
    ["getChatTranscript", "GET_CHAT_TRANSCRIPT"],
    ["getVoiceTranscript", "GET_VOICE_TRANSCRIPT"],
  ];

  // Each request message's method name, as a refusal names it.
  var METHOD_NAMES = {};
  METHODS.concat(METHODS_2).forEach(function (pair) {
    METHOD_NAMES[pair[1]] = pair[0];
  });

  // Callbacks whose handlers' result goes back to the widget (the vendor's callbackMessages).
  var NEED_RESPONSE = [
    "ON_REQUEST_TRANSFER_DATA",
    "ON_SEARCH_KNOWLEDGE_BASE",
    "ON_GET_KNOWLEDGE_BASE_ARTICLE",
    "ON_GET_KNOWLEDGE_BASE_FOLDER",
    "ON_WEB_SCREEN_POP_CUSTOM",
    "ON_VALIDATE_ASSOCIATED_RECORDS",
    "ON_REQUEST_RECORD_INFO",
    "ON_REQUEST_RECORD_ON_SCREEN",
  ];

  // 2.0 waits for the ON_SAVE_ACTIVITY_RECORD handlers' answer (an ActivityRecordInfo) too.
  var NEED_RESPONSE_2 = NEED_RESPONSE.concat(["ON_SAVE_ACTIVITY_RECORD"]);

  // Every event of every adApi version. on() with another name warns on the console: the
  // vendor's widget registers it all the same, and a handler under a misspelled name
  // ("ON_SAVE_ACTIVITY_RECORDS") never runs, so the integration's tests pass with nothing saved.
  var EVENT_NAMES = [
    "ON_LOGIN",
    "ON_LOGOUT",
    "ON_NEW_INTERACTION",
    "ON_INTERACTION_STATE_CHANGE",
    "ON_INTERACTION_REMOVED",
    "ON_ACTIVE_INTERACTION_SWITCHED",
    "ON_AGENT_STATE_CHANGE",
    "ON_REQUEST_TRANSFER_DATA",
    "ON_LOAD_TRANSFER_DATA",
    "ON_SEARCH_KNOWLEDGE_BASE",
    "ON_GET_KNOWLEDGE_BASE_ARTICLE",
    "ON_GET_KNOWLEDGE_BASE_FOLDER",
    "ON_OPEN_RECORD",
    "ON_SEARCH_RECORDS",
    "ON_SHOW_SCREEN",
    "ON_SCREEN_RECORDING_STATE_CHANGE",
    "ON_WIDGET_MINIMIZED_CHANGE",
    "ON_SERVER_ERROR",
    "ON_SOFTPHONE_STATUS_CHANGE",
    "ON_AUDIO_DEVICE_CHANGE",
    "ON_PHONE_CAPABILITIES_CHANGE",
    "ON_CALL_AUDIO_QUALITY_ALERT",
    "ON_WEB_SCREEN_POP_CUSTOM",
    "ON_SAVE_ACTIVITY_RECORD",
    "ON_VALIDATE_ASSOCIATED_RECORDS",
    "ON_REQUEST_RECORD_INFO",
    "ON_REQUEST_RECORD_ON_SCREEN",
    "ON_SUMMARY_GENERATION_STARTED",
    "ON_SUMMARY_GENERATION_COMPLETED",
    "ON_VOICE_TRANSCRIPT_MESSAGE",
  ];

  function editDistance(a, b) {
    var row = [];
    for (var j = 0; j <= b.length; j++) row.push(j);
    for (var i = 1; i <= a.length; i++) {
      var diagonal = row[0];
      row[0] = i;
      for (var k = 1; k <= b.length; k++) {
        var above = row[k];
        row[k] = Math.min(row[k] + 1, row[k - 1] + 1, diagonal + (a[i - 1] === b[k - 1] ? 0 : 1));
        diagonal = above;
      }
    }
    return row[b.length];
  }

  /** The event name `name` most likely meant (a few letters off, or another case), or null. */
  function closestEvent(name) {
    var best = null;
    var bestCost = 4;
    var upper = String(name).toUpperCase();
    EVENT_NAMES.forEach(function (known) {
      var cost = editDistance(upper, known);
      if (cost < bestCost) {
        best = known;
        bestCost = cost;
      }
    });
    return best;
  }

  var INTERNAL = { __attach__: 1, __handled__: 1, __log__: 1, __on__: 1, __pong__: 1 };
  // Packet types that are the transport's own, not requests: `apiCall("__handled__")` sent as
  // one was taken for a callback's end (or a handshake, an answer) and never answered.
  var RESERVED = /^(__.*|hello|hi|ready|comm-widget-ready|.*_RESPONSE)$/;

  // The origin this script was loaded from when that is a tenant's https:// (or http://) URL.
  var SCRIPT_ORIGIN = (function () {
    var script = root.document && root.document.currentScript;
    var match = script && /^(https?:\/\/[^/?#]+)\/agent\//.exec(script.src || "");
    return match ? match[1] : null;
  })();

  // This script's own file (a path under Node, a URL in a page): never the place of an
  // integration's error ("handler is not a function" thrown here is the caller's line's).
  var SHIM_FILE = (function () {
    if (typeof __filename === "string") return __filename;
    var script = root.document && root.document.currentScript;
    return script && script.src ? String(script.src).replace(/[?#].*$/, "") : null;
  })();

  function randomUUID() {
    var c = root.crypto;
    if (c && typeof c.randomUUID === "function") return c.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (ch) {
      var r = (Math.random() * 16) | 0;
      return (ch === "x" ? r : (r & 0x3) | 0x8).toString(16);
    });
  }

  var uidCounter = 0;
  function nextUid() {
    uidCounter += 1;
    return "a" + uidCounter.toString(36) + "-" + Date.now().toString(36);
  }

  /** The first place in `stack` outside this script, as "file:line", or "". */
  function ownPlace(stack) {
    var lines = String(stack || "").split("\n");
    for (var i = 1; i < lines.length; i++) {
      // A frame's location only: "at f (LOCATION)" or "at LOCATION", a URL or an absolute
      // path (spaces allowed). Not a path inside Node's own "node:internal/modules/..." (it
      // was shown as "/modules/cjs/loader:1207"), nor a line of a multi-line message.
      var m = /^\s*at (?:.*? \()?((?:file|https?|adsim):\/\/[^)]+?|\/[^)]+?|[A-Za-z]:\\[^)]+?):(\d+):\d+\)?$/.exec(
        lines[i]
      );
      if (m && m[1].replace(/[?#].*$/, "") !== SHIM_FILE) {
        var file = m[1];
        if (/^file:\/\//.test(file)) {
          // A file URL is percent-encoded ("my%20crm"): show the path as it is on disk.
          try {
            file = decodeURIComponent(file.replace(/^file:\/\//, ""));
          } catch (e) {
            file = file.replace(/^file:\/\//, "");
          }
        }
        return file + ":" + m[2];
      }
    }
    return "";
  }

  function describe(error, how) {
    if (error && error.stack) {
      var own = ownPlace(error.stack);
      var where = own ? " (" + own + ")" : "";
      var hook = root.brightpattern && root.brightpattern.placeOfSyntaxError;
      if (!where && error.name === "SyntaxError" && typeof hook === "function") {
        // No place of the module's own (a dynamic import of a file that does not parse): the
        // Node runner's walk of its imports finds the file at fault.
        var place = hook(error);
        if (place) where = " (" + place + ")";
      }
      var message = String(error.message);
      // Node's "Require stack:" lines after a missing module (the file that required it, the
      // place said already).
      if (error.code === "MODULE_NOT_FOUND") message = message.split("\nRequire stack:")[0];
      return (error.name || "Error") + ": " + message + where;
    }
    // No Error (`throw {code: 7}`, `Promise.reject()`): the value, not "[object Object]" or a
    // bare "undefined" that reads as adsim's own fault.
    if (error && typeof error.message === "string" && error.message) {
      return (error.name || "Error") + ": " + error.message;
    }
    var shown;
    try {
      shown = JSON.stringify(error);
    } catch (e) {
      shown = undefined;
    }
    if (shown === undefined) {
      try {
        shown = String(error);
      } catch (e) {
        shown = typeof error;
      }
    }
    return (how || "threw") + " " + shown;
  }

  /** Why `value` cannot reach the widget as JSON, as [kind, text], or null when it can. */
  function notJson(value) {
    var kind = typeof value;
    if (kind === "function" || kind === "symbol" || kind === "bigint") {
      return [kind, (String(value) + (kind === "bigint" ? "n" : "")).slice(0, 200)];
    }
    try {
      JSON.stringify(value);
      return null;
    } catch (e) {
      var message = String((e && e.message) || e).split("\n")[0];
      return [/circular/i.test(message) ? "object with a cycle" : message, message];
    }
  }

  // ------------------------------------------------------------------ transports

  /** QWebChannel to the simulator window: object `adsim` with `receive(json)` and `packet`. */
  function qwebchannelTransport() {
    var listener = null;
    var bridge = null;
    var outbox = [];
    new root.QWebChannel(root.qt.webChannelTransport, function (channel) {
      bridge = channel.objects.adsim;
      bridge.packet.connect(function (text) {
        if (listener) listener(JSON.parse(text));
      });
      var queued = outbox;
      outbox = [];
      queued.forEach(function (p) {
        bridge.receive(JSON.stringify(p));
      });
    });
    return {
      send: function (packet) {
        if (bridge) bridge.receive(JSON.stringify(packet));
        else outbox.push(packet);
      },
      listen: function (onPacket) {
        listener = onPacket;
      },
    };
  }

  /** JSON lines on a writable/readable pair (Node: process.stdout/process.stdin). */
  function streamTransport(input, output) {
    var listener = null;
    var ended = [];
    var buffer = "";
    input.setEncoding("utf8");
    input.on("end", function () {
      for (var i = 0; i < ended.length; i++) ended[i]();
    });
    input.on("data", function (chunk) {
      buffer += chunk;
      var at;
      while ((at = buffer.indexOf("\n")) >= 0) {
        var line = buffer.slice(0, at);
        buffer = buffer.slice(at + 1);
        if (line.trim() && listener) listener(JSON.parse(line));
      }
    });
    return {
      send: function (packet) {
        output.write(JSON.stringify(packet) + "\n");
      },
      listen: function (onPacket) {
        listener = onPacket;
      },
      onEnd: function (callback) {
        ended.push(callback);
      },
    };
  }

  function defaultTransport() {
    var ns = root.brightpattern || {};
    if (ns.transport) return typeof ns.transport === "function" ? ns.transport() : ns.transport;
    if (root.qt && root.qt.webChannelTransport && root.QWebChannel) return qwebchannelTransport();
    return null;
  }

  // ------------------------------------------------------------------ the iframe placeholder

  function mountFrame(api, options, widget) {
    var doc = root.document;
    if (!doc || typeof doc.createElement !== "function") return null;
    var frame = options.adcFrame || doc.createElement("iframe");
    var loc = root.location || { protocol: "about:", search: "" };
    var served = /^(https?|adsim):$/.test(loc.protocol);
    var folder = widget === "2.0" ? "/agent/crmembedded/" : "/agent/communicator/";
    var path = options.standalone ? folder + "no-ui/" : folder;
    // Like the vendor's script, frame the widget from where this script came from (the
    // tenant), else from the page's own origin (a page that loads /agent/.../api.js).
    var origin = SCRIPT_ORIGIN || (served ? loc.origin : null);
    frame.src = origin ? origin + path + (loc.search || "") : "about:blank";
    frame.setAttribute("data-adsim", "widget");
    frame.setAttribute("allow", "microphone; autoplay");
    var style = frame.style;
    style.border = "0";
    if (options.standalone) {
      style.position = "absolute";
      style.left = "-10000px";
      style.top = "-10000px";
      style.width = "1px";
      style.height = "1px";
    } else {
      style.width = options.adaptiveWidth ? "100%" : WIDGET_WIDTH_PX + "px";
      style.height = "100%";
    }
    if (!options.adcFrame) {
      var attach = function () {
        (options.mountRoot || doc.body).appendChild(frame);
      };
      if (options.mountRoot || doc.body) attach();
      else doc.addEventListener("DOMContentLoaded", attach);
    }
    api.on("ON_WIDGET_MINIMIZED_CHANGE", function (minimized) {
      if (options.standalone) return undefined;
      var full = options.adaptiveWidth ? "100%" : WIDGET_WIDTH_PX + "px";
      frame.style.width = minimized ? MINIMIZED_WIDTH_PX + "px" : full;
      return undefined;
    });
    return frame;
  }

  // ------------------------------------------------------------------ AdApi

  /**
   * new AdApi(options?) with options {integrationKey?, adcFrame?, mountRoot?, standalone?,
   * disableNewInteractionPopup?, adaptiveWidth?}; `new AdApi(key)` / `new AdApi(key, mountRoot)`
   * (very old integrations) are accepted too.
   */
  function namespace() {
    return root.brightpattern || {};
  }

  function AdApi(options, legacyMountRoot, widget) {
    if (!(this instanceof AdApi)) return new AdApi(options, legacyMountRoot, widget);
    if (typeof options === "string") {
      options = { integrationKey: options, mountRoot: legacyMountRoot };
    }
    options = options || {};
    var ns = root.brightpattern || {};
    this.options = options;
    this.integrationKey = options.integrationKey || randomUUID();
    this.timeoutMs = Number(ns.apiTimeoutMs) > 0 ? Number(ns.apiTimeoutMs) : DEFAULT_TIMEOUT_MS;
    this._handlers = {};
    this._places = {};
    this._loggers = [];
    this._failedLoggers = [];
    this._pending = {};
    this._queue = [];
    this._ready = false;
    this._widget = widget === "2.0" ? "2.0" : "1.0";
    this._needResponse = this._widget === "2.0" ? NEED_RESPONSE_2 : NEED_RESPONSE;
    this._widgetReady = [];
    // The built-in defaults, whatever the version (an event it lacks is never sent).
    this._add("ON_WEB_SCREEN_POP_CUSTOM", function () {
      return false;
    });
    this._add("ON_VALIDATE_ASSOCIATED_RECORDS", function () {
      return { valid: true };
    });
    this.frame = mountFrame(this, options, this._widget);
    var transport = options.transport || defaultTransport();
    this._transport = transport;
    if (transport) {
      var self = this;
      transport.listen(function (packet) {
        self._receive(packet);
      });
      // Nothing can answer once the transport has ended (the run is over): each call waiting
      // for an answer, and each made later, is api_not_answer at once, not a timer that kept a
      // headless module's process alive for the whole timeout.
      if (typeof transport.onEnd === "function") {
        transport.onEnd(function () {
          self._gone = true;
          var pending = self._pending;
          self._pending = {};
          for (var uid in pending) pending[uid](gone());
        });
      }
      var attach = [this.integrationKey];
      if (this._widget === "2.0") attach.push("2.0");
      transport.send({ uid: nextUid(), type: "__attach__", params: attach });
    }
  }

  /** Under the Node runner (`brightpattern.laterEvents`): each event the run's adApi version
   * lacks, with the error its `on` throws, as the Python `ad_api.on` raises it. */
  function laterEvent(name) {
    var later = namespace().laterEvents;
    if (!later || typeof name !== "string" || !Object.prototype.hasOwnProperty.call(later, name)) return null;
    var error = new Error(String(later[name]));
    error.name = "EventNotInVersionError";
    return error;
  }

  AdApi.prototype.on = function (name, handler) {
    var later = laterEvent(name);
    if (later) throw later;
    this._add(name, handler);
  };

  AdApi.prototype._add = function (name, handler) {
    if (typeof handler !== "function") throw new TypeError("adApi.on(" + name + "): handler is not a function");
    // Under the Node runner, in the module's register(), the simulator refuses the module
    // naming the line instead (a Python plugin's `unknown event`): no warning besides.
    var refused = namespace().sayPlaces && namespace().registering;
    if (EVENT_NAMES.indexOf(name) < 0 && !refused && typeof console !== "undefined") {
      var guess = closestEvent(name);
      console.warn(
        "adApi.on(" + JSON.stringify(String(name)) + "): no adApi event has this name, so this handler never runs" +
          (guess ? "; did you mean " + guess + "?" : "")
      );
    }
    (this._handlers[name] = this._handlers[name] || []).push(handler);
    var places = (this._places[name] = this._places[name] || []);
    places.push(this._transport && namespace().sayPlaces ? ownPlace(new Error().stack) : "");
    this._sayPlaces(name);
  };

  AdApi.prototype.remove = function (name, handler) {
    var list = this._handlers[name];
    if (!list) return;
    var at = list.indexOf(handler);
    if (at >= 0) {
      list.splice(at, 1);
      this._places[name].splice(at, 1);
      this._sayPlaces(name);
    }
  };

  /** Under the Node runner (`brightpattern.sayPlaces`): tell the simulator where the module
   * registered its handlers of `name` (`__on__`), which names them in its outcomes. */
  AdApi.prototype._sayPlaces = function (name) {
    if (!this._transport || !namespace().sayPlaces) return;
    var places = this._places[name].filter(Boolean);
    // The count too: a place can be unknown (""), and none left means no handler at all.
    var count = this._places[name].length;
    this._transport.send({ uid: nextUid(), type: "__on__", params: [name, places, count] });
  };

  AdApi.prototype.injectMessageLogger = function (logger) {
    if (typeof logger === "function") this._loggers.push(logger);
  };

  /** The integration's own code failed where the adapter must go on (a message logger, a
   * ready callback): said on the console, not swallowed without a word. */
  function warnFailed(what, error, how) {
    if (typeof console !== "undefined") console.warn("adApi: " + what + " " + describe(error, how));
  }

  AdApi.prototype._log = function (type, params) {
    for (var i = 0; i < this._loggers.length; i++) {
      var logger = this._loggers[i];
      try {
        logger(type, params);
      } catch (e) {
        // A logger must never break the integration; said once per logger, not per packet.
        if (this._failedLoggers.indexOf(logger) < 0) {
          this._failedLoggers.push(logger);
          warnFailed("a message logger failed on " + type + " (later failures are not shown):", e);
        }
      }
    }
  };

  AdApi.prototype._post = function (packet) {
    if (!INTERNAL[packet.type]) {
      var logged = /_RESPONSE$/.test(packet.type) && !packet.noHandlers ? packet.params[0] : packet.params;
      this._log(packet.type, logged);
    }
    if (this._transport) this._transport.send(packet);
  };

  AdApi.prototype._request = function (type, args) {
    var self = this;
    var params = Array.prototype.slice.call(args);
    while (params.length && params[params.length - 1] === undefined) params.pop();
    params = params.map(function (p) {
      return p === undefined ? null : p;
    });
    var packet = { uid: nextUid(), type: type, params: params };
    if (this._gone) return Promise.resolve(gone());
    if (RESERVED.test(type)) {
      var refused = type + " is not an adApi request (a packet type of the widget's own); nothing was sent";
      return Promise.resolve({ status: "error", error: { code: 7, name: "invalid_request", message: refused } });
    }
    // An argument JSON cannot carry (an object with a cycle, a BigInt) is refused here, as the
    // facade refuses a bad one: sent, it made the transport throw, and a call queued before
    // `ready` threw there, which ended Node with every later call and event.
    for (var i = 0; i < params.length; i++) {
      var junk = notJson(params[i]);
      if (junk && junk[0] !== "function" && junk[0] !== "symbol") {
        var said = (METHOD_NAMES[type] || type) + ": argument " + (i + 1) + " cannot be sent as JSON (";
        var message = said + junk[0] + (junk[1] !== junk[0] ? ": " + junk[1] : "") + "); nothing was sent";
        return Promise.resolve({ status: "error", error: { code: 3, name: "invalid_args", message: message } });
      }
    }
    return new Promise(function (resolve) {
      var timer = setTimeout(function () {
        delete self._pending[packet.uid];
        resolve({ status: "error", error: { code: 6, name: "api_not_answer" } });
      }, self.timeoutMs);
      self._pending[packet.uid] = function (result) {
        clearTimeout(timer);
        resolve(result);
      };
      if (self._ready) self._post(packet);
      else self._queue.push(packet);
    });
  };

  AdApi.prototype._receive = function (packet) {
    var type = packet.type;
    if (type === "hello") {
      this._log("hello", packet.params || []);
      this._ready = false;
      var popup = !!this.options.disableNewInteractionPopup;
      var search = (root.location && root.location.search) || "";
      this._post({ uid: nextUid(), type: "hi", params: [this.integrationKey, search, popup] });
      return;
    }
    if (type === "ready") {
      this._log("ready", packet.params || []);
      this._ready = true;
      var queued = this._queue;
      this._queue = [];
      for (var i = 0; i < queued.length; i++) this._post(queued[i]);
      return;
    }
    if (type === "__ping__") {
      // The simulator asks, after a callback timed out, whether this event loop still runs.
      this._post({ uid: packet.uid, type: "__pong__", params: [] });
      return;
    }
    if (type === "comm-widget-ready") {
      this._log(type, packet.params || []);
      var callbacks = this._widgetReady.slice();
      for (var c = 0; c < callbacks.length; c++) {
        // A page's ready callback must not break the adapter (nor, rejected, end Node).
        try {
          var done = callbacks[c]();
          if (done && typeof done.catch === "function") {
            done.catch(function (e) {
              warnFailed("an onCommWidgetReady callback failed:", e, "rejected with");
            });
          }
        } catch (e) {
          warnFailed("an onCommWidgetReady callback failed:", e);
        }
      }
      return;
    }
    if (/_RESPONSE$/.test(type)) {
      var result = (packet.params || [])[0];
      this._log(type, result);
      var done = this._pending[packet.uid];
      if (done) {
        delete this._pending[packet.uid];
        done(result);
      }
      return;
    }
    if (/^ON_/.test(type)) {
      this._dispatch(packet);
    }
  };

  AdApi.prototype._dispatch = function (packet) {
    var self = this;
    var args = packet.params || [];
    this._log(packet.type, args);
    var handlers = (this._handlers[packet.type] || []).slice();
    var needsAnswer = this._needResponse.indexOf(packet.type) >= 0;
    var errors = [];
    var results = handlers.map(function (handler) {
      try {
        return Promise.resolve(handler.apply(null, args)).catch(function (e) {
          errors.push(describe(e, "rejected with"));
          return undefined;
        });
      } catch (e) {
        errors.push(describe(e));
        return Promise.resolve(undefined);
      }
    });
    Promise.all(results).then(function (values) {
      if (needsAnswer) {
        var reply = { uid: packet.uid, type: packet.type + "_RESPONSE", params: [] };
        if (!handlers.length) {
          reply.noHandlers = true;
        } else {
          var last;
          values.forEach(function (v) {
            if (v !== undefined) last = v;
          });
          // An answer JSON cannot carry is reported (the widget's junk), not sent: a cycle or a
          // BigInt made the transport throw (Node died), a function went as null.
          var junk = notJson(last);
          if (junk) reply.junk = junk;
          else reply.params = [last === undefined ? null : last];
        }
        self._post(reply);
      }
      var handled = { uid: packet.uid, type: "__handled__", params: [] };
      if (errors.length) handled.error = errors.join("; ");
      self._post(handled);
    });
  };

  METHODS.forEach(function (pair) {
    var name = pair[0];
    var message = pair[1];
    AdApi.prototype[name] = function () {
      return this._request(message, arguments);
    };
  });

  // ------------------------------------------------------------------ Comm.Widget 2.0

  // Each adapter's connection lives here, not on the instance: the 2.0 class has no private
  // members, only the vendor's methods (third-party code lists its prototype).
  var connections = new WeakMap();

  function connection(adapter) {
    var found = connections.get(adapter);
    if (!found) throw new TypeError("not a CommWidget adapter instance");
    return found;
  }

  /** The Comm.Widget 2.0 adapter: new AdApi(options?) as in 1.0. */
  function CommWidgetAdapter(options, legacyMountRoot) {
    if (!(this instanceof CommWidgetAdapter)) return new CommWidgetAdapter(options, legacyMountRoot);
    var core = new AdApi(options, legacyMountRoot, "2.0");
    connections.set(this, core);
    this.options = core.options;
    this.integrationKey = core.integrationKey;
    this.frame = core.frame;
  }

  CommWidgetAdapter.prototype.apiCall = function (type, args) {
    return connection(this)._request(String(type), args || []);
  };
  CommWidgetAdapter.prototype.on = function (name, handler) {
    connection(this).on(name, handler);
  };
  CommWidgetAdapter.prototype.remove = function (name, handler) {
    connection(this).remove(name, handler);
  };
  CommWidgetAdapter.prototype.injectMessageLogger = function (logger) {
    connection(this).injectMessageLogger(logger);
  };
  CommWidgetAdapter.prototype.onCommWidgetReady = function (callback) {
    if (typeof callback === "function") connection(this)._widgetReady.push(callback);
  };
  // Arguments the 2.0 adapter sends as an array (InitialObjects): a single object is wrapped.
  var ARRAY_ARGS = { START_CALL: 1 };

  METHODS.concat(METHODS_2).forEach(function (pair) {
    if (pair[0] === "login") return; // 2.0 replaced it with openLogin
    var message = pair[1];
    var listAt = ARRAY_ARGS[message];
    CommWidgetAdapter.prototype[pair[0]] = function () {
      var args = Array.prototype.slice.call(arguments);
      var one = listAt === undefined ? null : args[listAt];
      if (one && typeof one === "object" && !Array.isArray(one)) args[listAt] = [one];
      return this.apiCall(message, args);
    };
  });

  return {
    AdApi: WIDGET === "2.0" ? CommWidgetAdapter : AdApi,
    AdApi1: AdApi,
    CommWidgetAdapter: CommWidgetAdapter,
    WIDGET: WIDGET,
    METHODS: METHODS,
    METHODS_2: METHODS_2,
    NEED_RESPONSE: NEED_RESPONSE,
    transports: { qwebchannel: qwebchannelTransport, stream: streamTransport },
  };
});
