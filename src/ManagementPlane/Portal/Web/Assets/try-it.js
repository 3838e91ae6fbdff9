// Try it (developer portal): sends the operation's request from the browser to the gateway and shows the answer.
// Plain script, no dependencies; everything it writes goes through textContent (never parsed as HTML).
(function () {
  'use strict';
  var form = document.getElementById('try-it');
  if (!form) { return; }
  var statusOut = document.getElementById('try-it-status');
  var headersOut = document.getElementById('try-it-headers');
  var bodyOut = document.getElementById('try-it-body');
  var reasons = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found',
    304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
    409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
    500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

  function value(id) {
    var element = document.getElementById(id);
    return element ? element.value : '';
  }

  function buildUrl() {
    var path = form.dataset.template || '/';
    form.querySelectorAll('[data-path-parameter]').forEach(function (input) {
      path = path.split('{' + input.dataset.pathParameter + '}').join(encodeURIComponent(input.value));
    });
    if (path.slice(-2) === '/*') {
      var rest = value('try-it-rest').replace(/^\/+/, '');
      path = path.slice(0, -1) + rest;
    }
    var query = value('try-it-query').trim().replace(/^\?/, '');
    return form.dataset.base + path + (query ? '?' + query : '');
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var method = form.dataset.method === '*' ? value('try-it-method') : form.dataset.method;
    var headers = new Headers();
    var key = value('try-it-key').trim();
    if (key) { headers.set(form.dataset.keyHeader, key); }
    var init = { method: method, headers: headers, mode: 'cors', credentials: 'omit', cache: 'no-store' };
    var body = value('try-it-body-input');
    if (body && method !== 'GET' && method !== 'HEAD') {
      init.body = body;
      headers.set('Content-Type', value('try-it-content-type') || 'application/json');
    }
    statusOut.textContent = 'Sending...';
    headersOut.textContent = '';
    bodyOut.textContent = '';
    var url;
    try {
      url = buildUrl();
    } catch (e) {
      statusOut.textContent = 'Invalid request: ' + e.message;
      return;
    }
    fetch(url, init).then(function (response) {
      statusOut.textContent = response.status + ' ' + (response.statusText || reasons[response.status] || '');
      var lines = [];
      response.headers.forEach(function (headerValue, name) { lines.push(name + ': ' + headerValue); });
      headersOut.textContent = lines.join('\n');
      return response.text();
    }).then(function (text) {
      if (text !== undefined) { bodyOut.textContent = text; }
    }).catch(function (error) {
      // A CORS refusal and an unreachable gateway look the same to a page: say both.
      statusOut.textContent = 'No response: the gateway at ' + form.dataset.base +
        ' could not be reached, or it refused the browser\'s cross-origin request (its cors policy must allow this portal\'s origin). ' + error;
    });
  });
}());
