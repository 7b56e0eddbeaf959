// SPDX-License-Identifier: MIT
#include "http/webassets.h"

#include <QDir>
#include <QFile>

namespace Kodemon::WebAssets {

namespace {

QByteArray contentType(const QString& name)
{
    if (name.endsWith(u".html"))
        return QByteArrayLiteral("text/html; charset=utf-8");
    if (name.endsWith(u".js"))
        return QByteArrayLiteral("text/javascript; charset=utf-8");
    if (name.endsWith(u".css"))
        return QByteArrayLiteral("text/css; charset=utf-8");
    if (name.endsWith(u".json"))
        return QByteArrayLiteral("application/json");
    if (name.endsWith(u".svg"))
        return QByteArrayLiteral("image/svg+xml");
    if (name.endsWith(u".png"))
        return QByteArrayLiteral("image/png");
    return QByteArrayLiteral("application/octet-stream");
}

QByteArray read(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

QString pageName()
{
    return QStringLiteral("index.html");
}

QStringList names()
{
    return QDir(QStringLiteral(":/web")).entryList(QDir::Files, QDir::Name);
}

Reply reply(const QString& name)
{
    Reply reply { 200, contentType(name), read(QStringLiteral(":/web/") + name), {} };
    // Assets change only with the program; revalidating each time keeps an upgraded page consistent.
    reply.headers.emplaceBack("Cache-Control", "no-cache");
    reply.headers.emplaceBack("X-Content-Type-Options", "nosniff");
    if (name == pageName())
        reply.headers.emplaceBack("Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
    return reply;
}

Reply openApi()
{
    QByteArray document = read(QStringLiteral(":/api/openapi.json"));
    document.replace("@KODEMON_VERSION@", KODEMON_VERSION);
    Reply reply { 200, QByteArrayLiteral("application/json"), document, {} };
    reply.headers.emplaceBack("Cache-Control", "no-cache");
    return reply;
}

} // namespace Kodemon::WebAssets
