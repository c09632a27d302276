"""The HTTP/1.1 server protocol: uvicorn's httptools parser, with its parse-error answer in the JSON envelope.

A request the parser refuses (NUL or bare CR in a header, a bad Content-Length, a broken request line) never
reaches the app; uvicorn answers it 400 ``text/plain`` and closes. This subclass answers 400 with the envelope
``{"error": "invalid_http_request", ...}`` instead (STG-HTTP-002, STG-HTTP-016) and still closes: after a parse
error the byte stream has no trustworthy request boundary. docs/http-api.md "Errors" lists what stays out of reach.
"""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

__all__ = ["JsonErrorProtocol"]


class JsonErrorProtocol(HttpToolsProtocol):
    def send_400_response(self, msg: str) -> None:
        body = json.dumps({"error": "invalid_http_request", "detail": msg}).encode("ascii")
        content = [STATUS_LINE[400]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend([b"content-type: application/json\r\n", b"content-length: " + str(len(body)).encode() + b"\r\n",
                        b"connection: close\r\n", b"\r\n", body])
        self.transport.write(b"".join(content))
        self.transport.close()
