// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "store/readscope.h"

#include <optional>
#include <QByteArray>
#include <QByteArrayView>
#include <QList>

class QHostAddress;

namespace Kodemon {

// The API tokens that may read the HTTP API (`Authorization: Bearer <secret>`), each with the Kodemon tokens
// it may see. Secrets are kept only as SHA-256 digests and checked against every entry in constant time, so
// neither the answer's timing nor a memory dump gives one away. Pure: no I/O.
class ApiTokens final
{
public:
    static constexpr int MinimumLength = 16;

    enum class Outcome {
        Missing, // no "Authorization: Bearer" header: 401 with a plain challenge
        Invalid, // a Bearer secret that is not configured: 401 with error="invalid_token"
        Granted,
    };
    struct Verdict
    {
        Outcome outcome = Outcome::Missing;
        ReadScope scope; // what a granted secret may see
    };

    // One entry: "SECRET" (every token) or "SECRET:token1,token2" (only those). `origin` names where it came
    // from in error messages ("--api-token"); the secret itself is never repeated in them.
    Status addSpec(const QString& spec, const QString& origin);
    // A tokens file: one "SECRET [token1,token2]" per line; blank lines and lines starting with # are skipped.
    Status addFile(const QString& text, const QString& fileName);

    bool isEmpty() const { return m_entries.isEmpty(); }
    qsizetype size() const { return m_entries.size(); }
    // Every distinct scope, so that a reader can be prepared for each before the first request.
    QList<ReadScope> scopes() const;

    // `authorization` is the request's Authorization header (empty when absent).
    Verdict check(QByteArrayView authorization) const;

private:
    struct Entry
    {
        QByteArray digest;
        ReadScope scope;
    };

    Status add(const QString& secret, const std::optional<QString>& tokens, const QString& origin);

    QList<Entry> m_entries;
};

// Why the HTTP API must not be served on `address` as configured, or nothing: a non-loopback address needs
// API tokens, or `insecure` (--http-insecure) to serve it openly on purpose.
std::optional<QString> httpExposureProblem(const QHostAddress& address, bool hasApiTokens, bool insecure);

} // namespace Kodemon
