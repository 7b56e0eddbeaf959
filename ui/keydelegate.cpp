// SPDX-License-Identifier: MIT
#include "keydelegate.h"

#include <QApplication>
#include <QFontMetrics>

namespace Kodemon {

namespace {

const QString Ellipsis = QStringLiteral("…");

// "/srv/…/app/views.py-x" with the first folder and the last `tail` parts, or "…/views.py-x" without the first.
QString shortened(const QStringList& parts, qsizetype tail, bool keepFirst)
{
    const QString end = parts.mid(parts.size() - tail).join(u'/');
    if (!keepFirst)
        return Ellipsis + u'/' + end;
    const QString first = parts.at(0).isEmpty() ? u'/' + parts.at(1) : parts.at(0);
    return first + u'/' + Ellipsis + u'/' + end;
}

} // namespace

KeyDelegate::KeyDelegate(QObject* parent)
    : QStyledItemDelegate(parent)
{ }

KeyDelegate::~KeyDelegate() = default;

QString KeyDelegate::elide(const QString& key, const QFontMetrics& metrics, int width)
{
    if (metrics.horizontalAdvance(key) <= width)
        return key;
    const QStringList parts = key.split(u'/');
    const qsizetype folders = parts.size() - 1;
    const qsizetype firstFolder = parts.at(0).isEmpty() ? 2 : 1; // parts used by the kept first folder
    for (bool keepFirst : { true, false }) {
        for (qsizetype tail = folders; tail >= 1; --tail) {
            if (keepFirst && tail + firstFolder >= parts.size())
                continue; // nothing would be left out
            const QString candidate = shortened(parts, tail, keepFirst);
            if (metrics.horizontalAdvance(candidate) <= width)
                return candidate;
        }
    }
    return metrics.elidedText(parts.last(), Qt::ElideMiddle, width);
}

void KeyDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QStyle* style = option->widget ? option->widget->style() : QApplication::style();
    const int margin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, option->widget) + 1;
    option->text = elided(option->text, option->font, option->rect.width() - 2 * margin);
}

QString KeyDelegate::elided(const QString& key, const QFont& font, int width) const
{
    // Measuring a path and its shortened candidates was most of a repaint of the table; keys and widths rarely
    // change between repaints.
    constexpr qsizetype MaxCached = 4096;
    if (font != m_elidedFont || m_elided.size() >= MaxCached) {
        m_elided.clear();
        m_elidedFont = font;
    }
    const std::pair cacheKey { key, width };
    if (const auto it = m_elided.constFind(cacheKey); it != m_elided.cend())
        return it.value();
    const QString text = elide(key, QFontMetrics(font), width);
    m_elided.insert(cacheKey, text);
    return text;
}

} // namespace Kodemon
