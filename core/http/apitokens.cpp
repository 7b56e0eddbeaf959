// SPDX-License-Identifier: MIT
#include "http/apitokens.h"

#include <QCryptographicHash>
#include <QHostAddress>
#include <QRegularExpression>

namespace Kodemon {

namespace {

QByteArray digestOf(QByteArrayView secret)
{
    return QCryptographicHash::hash(secret, QCryptographicHash::Sha256);
}

// Compares every byte whatever the first difference, so the time taken says nothing about where it is.
bool constantTimeEqual(const QByteArray& a, const QByteArray& b)
{
    if (a.size() != b.size())
        return false; // digests: always 32 bytes, so the length gives nothing away
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return difference == 0;
}

// RFC 6750's b64token, so that a secret travels in the header as it is: letters, digits and -._~+/, then any
// number of "=".
bool isBearerSyntax(const QString& secret)
{
    static const QRegularExpression syntax(QStringLiteral("^[A-Za-z0-9._~+/-]+=*$"));
    return syntax.match(secret).hasMatch();
}

Error invalid(const QString& message)
{
    return Error { message, ErrorKind::Invalid };
}

// The secret of "Bearer <secret>", or nothing when the header is absent or uses another scheme.
std::optional<QByteArrayView> bearerSecret(QByteArrayView authorization)
{
    const QByteArrayView header = authorization.trimmed();
    const qsizetype space = header.indexOf(' ');
    if (space < 0 || header.first(space).compare("Bearer", Qt::CaseInsensitive) != 0)
        return std::nullopt;
    return header.sliced(space + 1).trimmed();
}

} // namespace

Status ApiTokens::addSpec(const QString& spec, const QString& origin)
{
    const qsizetype colon = spec.indexOf(u':');
    if (colon < 0)
        return add(spec, std::nullopt, origin);
    return add(spec.first(colon), spec.sliced(colon + 1), origin);
}

Status ApiTokens::addFile(const QString& text, const QString& fileName)
{
    const QStringList lines = text.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i).trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        const qsizetype space = line.indexOf(QRegularExpression(QStringLiteral("\\s")));
        const QString origin = QStringLiteral("%1 line %2").arg(fileName).arg(i + 1);
        const auto status = space < 0 ? add(line, std::nullopt, origin)
                                      : add(line.first(space), line.sliced(space + 1).trimmed(), origin);
        if (!status)
            return status;
    }
    return Ok {};
}

Status ApiTokens::add(const QString& secret, const std::optional<QString>& tokens, const QString& origin)
{
    if (secret.size() < MinimumLength || !isBearerSyntax(secret))
        return invalid(QStringLiteral("%1: an API token must be at least %2 characters of A-Z a-z 0-9 - . _ ~ + / "
                                      "(make one with: openssl rand -hex 24)")
                           .arg(origin)
                           .arg(MinimumLength));
    Entry entry { digestOf(secret.toLatin1()), {} };
    for (const auto& existing : std::as_const(m_entries)) {
        if (existing.digest == entry.digest)
            return invalid(QStringLiteral("%1: this API token is given twice").arg(origin));
    }
    if (tokens) {
        QStringList list = tokens->split(u',');
        for (auto& token : list) {
            token = token.trimmed();
            if (token.isEmpty())
                return invalid(QStringLiteral("%1: the Kodemon tokens after the API token are a comma-separated "
                                              "list without empty items, e.g. SECRET:shop,blog")
                                   .arg(origin));
        }
        entry.scope = ReadScope::only(list);
    }
    m_entries.append(entry);
    return Ok {};
}

QList<ReadScope> ApiTokens::scopes() const
{
    QList<ReadScope> scopes;
    for (const auto& entry : m_entries) {
        if (!scopes.contains(entry.scope))
            scopes.append(entry.scope);
    }
    return scopes;
}

ApiTokens::Verdict ApiTokens::check(QByteArrayView authorization) const
{
    const auto secret = bearerSecret(authorization);
    if (!secret)
        return { Outcome::Missing, {} };
    const QByteArray digest = digestOf(*secret);
    const Entry* match = nullptr;
    for (const auto& entry : m_entries) {
        // No early exit: every entry is compared, whichever matches.
        if (constantTimeEqual(entry.digest, digest))
            match = &entry;
    }
    if (!match)
        return { Outcome::Invalid, {} };
    return { Outcome::Granted, match->scope };
}

std::optional<QString> httpExposureProblem(const QHostAddress& address, bool hasApiTokens, bool insecure)
{
    if (address.isLoopback() || hasApiTokens || insecure)
        return std::nullopt;
    return QStringLiteral(
        "refusing to serve the HTTP API on %1: it is not a loopback address, so anyone who can reach it could read "
        "every execution time. Give an API token (KODEMON_API_TOKEN=..., --api-tokens FILE or --api-token), or pass "
        "--http-insecure to serve it without one on purpose.")
        .arg(address.toString());
}

} // namespace Kodemon
