// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace Kodemon {

// How large a request may be (at namespace scope so that it can be a default argument).
struct RequestLimits
{
    int maxRequestLine = 16 * 1024; // bytes of "GET /path?query HTTP/1.1", without the line end
    // Bytes of the header lines with their line ends. Both limits together stay below the 80 KiB at which
    // Qt's http_parser fails without answering.
    int maxHeaderBytes = 32 * 1024;
    qint64 maxBodyBytes = qint64(64) * 1024; // the API only reads; bodies are tolerated, not used
    // Chunked request bodies (Transfer-Encoding: chunked) are followed and held to maxBodyBytes; without this they
    // are refused with 411. The OTLP receiver allows them: exporters that gzip as they send have no length.
    bool allowChunked = false;
};

// Follows the bytes of an HTTP/1.x connection as they arrive and says when a request is too large, before
// QHttpServer parses it: Qt 6.4's parser gives up on oversized heads without answering and leaves the
// connection hanging. Pure (no I/O), so it can be tested and fuzzed byte by byte.
class RequestLimiter final
{
public:
    using Limits = RequestLimits;

    enum class Verdict {
        Continue, // nothing wrong so far
        UriTooLong, // 414
        HeadersTooLarge, // 431
        BodyTooLarge, // 413
        LengthRequired, // 411: a chunked request body, which the limits cannot be applied to
        BadRequest, // 400: an unreadable Content-Length
        BadTarget, // 400: a request target with bytes beyond ASCII or a "%" without two hex digits after it
    };

    // What the connection's handling needs to know about the last request whose head was complete.
    struct Head
    {
        bool http10 = false; // HTTP/1.0: no chunked responses, close unless keep-alive was asked for
        bool closeRequested = false; // "Connection: close", or HTTP/1.0 without "Connection: keep-alive"
    };

    explicit RequestLimiter(Limits limits = {});

    // Feeds the next bytes of the connection. Once a verdict other than Continue is returned, it stays.
    Verdict feed(QByteArrayView bytes);
    Verdict verdict() const { return m_verdict; }
    const Head& lastHead() const { return m_lastHead; }
    int completedHeads() const { return m_completedHeads; }
    // Whether part of a request head has arrived and the rest has not: a client sending it slowly is here.
    bool inHead() const { return m_state == State::Headers || (m_state == State::RequestLine && m_lineBytes > 0); }

private:
    enum class State { RequestLine, Headers, Body, ChunkSize, ChunkData, ChunkEnd, Trailers };

    qsizetype feedChunked(QByteArrayView bytes, qsizetype i);
    void endChunkLine();
    void consume(char c);
    void endRequestLine();
    void endHeaderLine();
    void endHead();

    Limits m_limits;
    State m_state = State::RequestLine;
    Verdict m_verdict = Verdict::Continue;
    QByteArray m_line; // the current line, kept only up to its limit
    qint64 m_lineBytes = 0;
    qint64 m_headerBytes = 0;
    qint64 m_bodyLeft = 0;
    qint64 m_contentLength = 0;
    qint64 m_chunkedBytes = 0; // of the chunked body so far
    bool m_chunked = false;
    Head m_current;
    Head m_lastHead;
    int m_completedHeads = 0;
};

} // namespace Kodemon
