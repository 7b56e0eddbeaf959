// SPDX-License-Identifier: MIT
#include "emptystate.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Kodemon {

namespace {

QString hostFor(const QHostAddress& address)
{
    // Listening everywhere: the local sender still reaches it on loopback.
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4 || address.isNull())
        return QStringLiteral("127.0.0.1");
    if (address == QHostAddress::AnyIPv6)
        return QStringLiteral("::1");
    return address.toString();
}

} // namespace

EmptyState::EmptyState(QWidget* parent)
    : QWidget(parent)
    , m_heading(new QLabel(tr("No calls received yet")))
    , m_intro(new QLabel)
    , m_snippet(new QPlainTextEdit)
    , m_copy(new QPushButton(tr("&Copy")))
    , m_send(new QPushButton(tr("Send &test data")))
    , m_status(new QLabel)
{
    setObjectName(QStringLiteral("emptyState"));
    QFont big = m_heading->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_heading->setFont(big);
    m_intro->setTextFormat(Qt::RichText);
    m_snippet->setReadOnly(true);
    m_snippet->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_snippet->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_snippet->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_snippet->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_copy->setToolTip(tr("Copy the snippet to the clipboard"));
    m_send->setToolTip(tr("Send a few hundred calls of a made-up web shop to this Kodemon, as the decorator would"));
    m_send->setDefault(true);
    m_status->setStyleSheet(QStringLiteral("color: palette(dark);"));
    connect(m_copy, &QPushButton::clicked, this, &EmptyState::copySnippet);
    connect(m_send, &QPushButton::clicked, this, &EmptyState::sendTestDataRequested);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_copy);
    buttons->addWidget(m_send);
    buttons->addWidget(m_status, 1);
    auto* column = new QVBoxLayout;
    column->addStretch(2);
    column->addWidget(m_heading);
    column->addWidget(m_intro);
    column->addWidget(m_snippet);
    column->addLayout(buttons);
    column->addStretch(3);
    auto* layout = new QHBoxLayout(this);
    layout->addStretch(1);
    layout->addLayout(column);
    layout->addStretch(1);
    setEndpoint(QHostAddress::LocalHost, 4000);
}

EmptyState::~EmptyState() = default;

QString EmptyState::snippetFor(const QHostAddress& address, quint16 port)
{
    return snippetFor(hostFor(address), port);
}

QString EmptyState::snippetFor(const QString& host, quint16 port)
{
    return QStringLiteral("from kodemon import kodemon\n\n"
                          "@kodemon\n"
                          "def fetch_latest():\n"
                          "    ...\n\n"
                          "# then run your program with:\n"
                          "KODEMON_HOST=%1 KODEMON_PORT=%2 KODEMON_TOKEN=my-project python3 app.py")
        .arg(host)
        .arg(port);
}

void EmptyState::setEndpoint(const QHostAddress& address, quint16 port)
{
    // Two short lines, unwrapped: a word-wrapped label cannot tell the layout its height.
    m_intro->setText(tr("Kodemon listens for calls on UDP <b>%1:%2</b>; each one shows here within a second.<br>"
                        "Put the <code>@kodemon</code> decorator on a Python function and run your program "
                        "with these variables:")
                         .arg(hostFor(address))
                         .arg(port));
    m_snippet->setPlainText(snippetFor(address, port));
    fitSnippet();
}

void EmptyState::setRemote(const QString& host, const QString& server)
{
    m_heading->setText(tr("No calls on %1 yet").arg(host));
    m_intro->setText(tr("This window shows the calls stored by the Kodemon at <b>%1</b>; they show here within a "
                        "second or two.<br>Put the <code>@kodemon</code> decorator on a Python function and send "
                        "to that Kodemon's UDP port (its <code>--udp-port</code>, 4000 by default):")
                         .arg(server.toHtmlEscaped()));
    m_snippet->setPlainText(snippetFor(host, 4000));
    fitSnippet();
    m_send->hide();
}

void EmptyState::fitSnippet()
{
    // The whole snippet without scrolling: it is short, and a scroll bar would hide the command line.
    const QFontMetrics metrics(m_snippet->font());
    const QStringList lines = m_snippet->toPlainText().split(u'\n');
    int width = 0;
    for (const QString& line : lines)
        width = std::max(width, metrics.horizontalAdvance(line));
    const int margins = 2 * (int(m_snippet->document()->documentMargin()) + m_snippet->frameWidth()) + 4;
    m_snippet->setFixedSize(width + margins, metrics.lineSpacing() * int(lines.size()) + margins);
}

QString EmptyState::snippet() const
{
    return m_snippet->toPlainText();
}

void EmptyState::setStatus(const QString& text)
{
    m_status->setText(text);
}

void EmptyState::copySnippet()
{
    QApplication::clipboard()->setText(snippet());
    setStatus(tr("Copied."));
}

} // namespace Kodemon
