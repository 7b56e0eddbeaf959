// SPDX-License-Identifier: MIT
#include "statspanel.h"

#include "displayformat.h"
#include "histogramview.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace Kodemon {

namespace {

const char* const FigureNames[StatsPanel::FigureCount] = { "Calls", "Min", "Mean", "p50", "p90", "p95", "p99", "Max" };
const char* const FigureTips[StatsPanel::FigureCount] = { "Calls in the range", "Fastest call", "Average",
    "Median: half of the calls were faster", "90% of the calls were at most this long",
    "95% of the calls were at most this long", "99% of the calls were at most this long", "Slowest call" };

} // namespace

StatsPanel::StatsPanel(QWidget* parent)
    : QWidget(parent)
    , m_title(new QLabel)
    , m_note(new QLabel)
    , m_histogram(new HistogramView)
{
    QFont heading = m_title->font();
    heading.setBold(true);
    m_title->setFont(heading);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_note->setStyleSheet(QStringLiteral("color: palette(mid);"));
    m_note->setWordWrap(true);
    auto* left = new QVBoxLayout;
    left->addWidget(m_title);
    left->addWidget(makeFigures());
    left->addWidget(m_note);
    left->addStretch();
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 6, 4, 4);
    layout->addLayout(left);
    layout->addWidget(m_histogram, 1);
    clear(tr("Select a function to see its statistics."));
}

StatsPanel::~StatsPanel() = default;

QWidget* StatsPanel::makeFigures()
{
    auto* figures = new QWidget;
    auto* grid = new QGridLayout(figures);
    grid->setContentsMargins(0, 4, 0, 4);
    grid->setHorizontalSpacing(14);
    grid->setVerticalSpacing(3);
    QFont number = font();
    number.setFamily(QStringLiteral("monospace"));
    number.setStyleHint(QFont::Monospace);
    for (int i = 0; i < FigureCount; ++i) {
        auto* name = new QLabel(QString::fromLatin1(FigureNames[i]));
        name->setToolTip(QString::fromLatin1(FigureTips[i]));
        m_values[i] = new QLabel;
        m_values[i]->setObjectName(QStringLiteral("figure-%1").arg(QString::fromLatin1(FigureNames[i]).toLower()));
        m_values[i]->setFont(number);
        m_values[i]->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_values[i]->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_values[i]->setMinimumWidth(m_values[i]->fontMetrics().horizontalAdvance(QStringLiteral("000,000,000")));
        grid->addWidget(name, i, 0);
        grid->addWidget(m_values[i], i, 1);
    }
    return figures;
}

void StatsPanel::setTitle(const QString& title)
{
    m_title->setText(title);
    m_title->setToolTip(title);
}

QString StatsPanel::title() const
{
    return m_title->text();
}

void StatsPanel::setData(const KeyStats& stats, const Histogram& histogram)
{
    m_note->clear();
    m_values[Count]->setText(DisplayFormat::count(stats.count));
    const double values[] = { stats.min, stats.mean, stats.p50, stats.p90, stats.p95, stats.p99, stats.max };
    for (int i = Min; i < FigureCount; ++i)
        m_values[i]->setText(stats.count > 0 ? DisplayFormat::duration(values[i - Min]) : QStringLiteral("–"));
    if (stats.count == 0) {
        m_note->setText(tr("No calls in this time range."));
        m_histogram->clear();
        return;
    }
    m_histogram->setData(histogram, stats);
}

void StatsPanel::clear(const QString& message)
{
    for (QLabel* value : m_values)
        value->setText(QStringLiteral("–"));
    m_note->setText(message);
    m_histogram->clear();
}

QString StatsPanel::figureText(Figure figure) const
{
    return m_values[figure]->text();
}

} // namespace Kodemon
