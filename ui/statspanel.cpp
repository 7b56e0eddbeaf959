// SPDX-License-Identifier: MIT
#include "statspanel.h"

#include "displayformat.h"
#include "histogramview.h"

#include <cmath>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

namespace Kodemon {

namespace {

const char* const FigureNames[StatsPanel::FigureCount]
    = { "Calls", "Failed", "Error rate", "Min", "Mean", "p50", "p90", "p95", "p99", "Max" };
const char* const FigureIds[StatsPanel::FigureCount]
    = { "calls", "failed", "errorrate", "min", "mean", "p50", "p90", "p95", "p99", "max" };
const char* const FigureTips[StatsPanel::FigureCount] = { "Calls in the range",
    "Calls that failed: they carry an \"error\" member (the Python and C++ clients send the exception's class)",
    "Failed calls in % of all calls in the range", "Fastest call", "Average", "Median: half of the calls were faster",
    "90% of the calls were at most this long", "95% of the calls were at most this long",
    "99% of the calls were at most this long", "Slowest call" };

// Changes smaller than the comparison's minimum effect (5%) are not coloured; an error rate in points.
constexpr double NotableChangePct = 5;
constexpr double NotableRatePoints = 0.5;
const QColor Slower(0xc6, 0x28, 0x28);
const QColor Faster(0x2e, 0x7d, 0x32);

double errorRate(const KeyStats& stats)
{
    return stats.count > 0 ? 100.0 * double(stats.errors) / double(stats.count) : 0.0;
}

double timeFigure(const KeyStats& stats, int figure)
{
    switch (figure) {
    case StatsPanel::Min:
        return stats.min;
    case StatsPanel::Mean:
        return stats.mean;
    case StatsPanel::P50:
        return stats.p50;
    case StatsPanel::P90:
        return stats.p90;
    case StatsPanel::P95:
        return stats.p95;
    case StatsPanel::P99:
        return stats.p99;
    case StatsPanel::Max:
        return stats.max;
    default:
        return 0;
    }
}

QString pValueText(double p)
{
    if (p < 0.001)
        return QStringLiteral("p < 0.001");
    return QStringLiteral("p = %1").arg(QLocale().toString(p, 'g', 2));
}

QLabel* numberLabel(const QFont& font, const QString& name)
{
    auto* label = new QLabel;
    label->setObjectName(name);
    label->setFont(font);
    label->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

StatsPanel::StatsPanel(QWidget* parent)
    : QWidget(parent)
    , m_title(new QLabel)
    , m_filterNote(new QLabel)
    , m_note(new QLabel)
    , m_verdict(new QLabel)
    , m_histogram(new HistogramView)
{
    QFont heading = m_title->font();
    heading.setBold(true);
    m_title->setFont(heading);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_filterNote->setObjectName(QStringLiteral("statsFilterNote"));
    m_filterNote->setWordWrap(true);
    m_filterNote->setStyleSheet(QStringLiteral("color: palette(dark);"));
    m_filterNote->hide();
    m_note->setStyleSheet(QStringLiteral("color: palette(mid);"));
    m_note->setWordWrap(true);
    m_verdict->setObjectName(QStringLiteral("statsVerdict"));
    m_verdict->setWordWrap(true);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_verdict->hide();
    auto* left = new QVBoxLayout;
    left->addWidget(m_title);
    left->addWidget(m_filterNote);
    left->addWidget(makeFigures());
    left->addWidget(m_verdict);
    left->addWidget(m_note);
    left->addStretch();
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 6, 4, 4);
    layout->addLayout(left);
    layout->addWidget(m_histogram, 1);
    clear(tr("Select a function to see its statistics."));
    setComparisonVisible(false);
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
    const int numberWidth = QFontMetrics(number).horizontalAdvance(QStringLiteral("000,000,000"));
    m_baselineHeading = new QLabel;
    m_baselineHeading->setAlignment(Qt::AlignRight | Qt::AlignBottom);
    auto* changeHeading = new QLabel(tr("Change"));
    changeHeading->setAlignment(Qt::AlignRight | Qt::AlignBottom);
    changeHeading->setToolTip(tr("Against the baseline: red slower, green faster (calls: per second; error rate: "
                                 "in percentage points)"));
    auto* nowHeading = new QLabel(tr("Now"));
    nowHeading->setAlignment(Qt::AlignRight | Qt::AlignBottom);
    grid->addWidget(nowHeading, 0, 1);
    grid->addWidget(m_baselineHeading, 0, 2);
    grid->addWidget(changeHeading, 0, 3);
    m_comparisonWidgets << nowHeading << m_baselineHeading << changeHeading;
    for (int i = 0; i < FigureCount; ++i) {
        auto* name = new QLabel(QString::fromLatin1(FigureNames[i]));
        name->setToolTip(QString::fromLatin1(FigureTips[i]));
        const QString id = QString::fromLatin1(FigureIds[i]);
        m_values[i] = numberLabel(number, QStringLiteral("figure-%1").arg(id));
        m_values[i]->setMinimumWidth(numberWidth);
        m_baselines[i] = numberLabel(number, QStringLiteral("baseline-%1").arg(id));
        m_changes[i] = numberLabel(number, QStringLiteral("change-%1").arg(id));
        grid->addWidget(name, i + 1, 0);
        grid->addWidget(m_values[i], i + 1, 1);
        grid->addWidget(m_baselines[i], i + 1, 2);
        grid->addWidget(m_changes[i], i + 1, 3);
        m_comparisonWidgets << m_baselines[i] << m_changes[i];
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

void StatsPanel::setFilterNote(const QString& note)
{
    m_filterNote->setText(note);
    m_filterNote->setVisible(!note.isEmpty());
}

QString StatsPanel::filterNote() const
{
    return m_filterNote->isHidden() ? QString() : m_filterNote->text();
}

void StatsPanel::showValues(QLabel* const* labels, const KeyStats& stats)
{
    labels[Count]->setText(DisplayFormat::count(stats.count));
    labels[Failed]->setText(DisplayFormat::count(stats.errors));
    labels[ErrorRate]->setText(stats.count > 0 ? DisplayFormat::percent(errorRate(stats)) : QStringLiteral("–"));
    for (int i = Min; i < FigureCount; ++i)
        labels[i]->setText(stats.count > 0 ? DisplayFormat::duration(timeFigure(stats, i)) : QStringLiteral("–"));
}

void StatsPanel::setData(const KeyStats& stats, const Histogram& histogram)
{
    m_note->clear();
    m_stats = stats;
    m_hasStats = true;
    showValues(m_values, stats);
    showChanges();
    if (stats.count == 0) {
        m_note->setText(tr("No calls in this time range."));
        m_histogram->clear();
        return;
    }
    m_histogram->setData(histogram, stats);
}

void StatsPanel::setNote(const QString& note)
{
    m_note->setText(note);
}

QString StatsPanel::note() const
{
    return m_note->text();
}

void StatsPanel::clear(const QString& message)
{
    for (QLabel* value : m_values)
        value->setText(QStringLiteral("–"));
    m_hasStats = false;
    showChanges();
    m_note->setText(message);
    m_histogram->clear();
}

void StatsPanel::setComparison(const Comparison& comparison, const QString& label)
{
    m_comparison = comparison;
    m_baselineHeading->setText(label);
    m_baselineHeading->setToolTip(tr("%1 to %2")
                                      .arg(DisplayFormat::dateTime(comparison.baseline.from.value_or(0)),
                                          DisplayFormat::dateTime(comparison.baseline.to.value_or(0))));
    showValues(m_baselines, comparison.baselineStats);
    showChanges();
    showVerdict();
    setComparisonVisible(true);
}

void StatsPanel::clearComparison(const QString& note)
{
    m_comparison.reset();
    setComparisonVisible(false);
    m_verdict->setText(note);
    m_verdict->setPalette(palette());
    m_verdict->setVisible(!note.isEmpty());
}

void StatsPanel::setComparisonVisible(bool visible)
{
    for (QWidget* widget : std::as_const(m_comparisonWidgets))
        widget->setVisible(visible);
}

void StatsPanel::showChanges()
{
    if (!m_comparison || !m_hasStats) {
        for (int i = 0; i < FigureCount; ++i)
            setChange(Figure(i), m_comparison ? QStringLiteral("–") : QString(), 0);
        return;
    }
    const KeyStats& now = m_stats;
    const KeyStats& then = m_comparison->baselineStats;
    // Calls per second: a custom baseline may be of another length.
    const auto calls
        = percentChange(callRate(now.count, m_comparison->current), callRate(then.count, m_comparison->baseline));
    setChange(Count, calls ? DisplayFormat::change(*calls) : QStringLiteral("–"), 0);
    const auto failed
        = percentChange(callRate(now.errors, m_comparison->current), callRate(then.errors, m_comparison->baseline));
    setChange(Failed, failed ? DisplayFormat::change(*failed) : QStringLiteral("–"),
        failed && std::abs(*failed) >= NotableChangePct ? (*failed > 0 ? 1 : -1) : 0);
    if (now.count > 0 && then.count > 0) {
        const double points = errorRate(now) - errorRate(then);
        const QString text = DisplayFormat::change(points).replace(QStringLiteral(" %"), tr(" pts"));
        setChange(ErrorRate, text, std::abs(points) >= NotableRatePoints ? (points > 0 ? 1 : -1) : 0);
    } else {
        setChange(ErrorRate, QStringLiteral("–"), 0);
    }
    for (int i = Min; i < FigureCount; ++i) {
        const auto change
            = now.count > 0 && then.count > 0 ? percentChange(timeFigure(now, i), timeFigure(then, i)) : std::nullopt;
        setChange(Figure(i), change ? DisplayFormat::change(*change) : QStringLiteral("–"),
            change && std::abs(*change) >= NotableChangePct ? (*change > 0 ? 1 : -1) : 0);
    }
}

// `direction`: 1 worse (slower, more failures), -1 better, 0 neither.
void StatsPanel::setChange(Figure figure, const QString& text, int direction)
{
    QLabel* label = m_changes[figure];
    label->setText(text);
    QPalette colours = palette();
    if (direction != 0)
        colours.setColor(QPalette::WindowText, direction > 0 ? Slower : Faster);
    label->setPalette(colours);
}

void StatsPanel::showVerdict()
{
    const Comparison& c = *m_comparison;
    QString text;
    QPalette colours = palette();
    const QString shift = DisplayFormat::change(100 * c.medianShift);
    const QString test = tr("Mann–Whitney U on %1 and %2 calls%3")
                             .arg(DisplayFormat::count(c.test.n1), DisplayFormat::count(c.test.n2),
                                 c.sampled ? tr(", a uniform sample") : QString());
    switch (c.verdict) {
    case Verdict::NoData:
        text = c.baselineStats.count == 0 ? tr("No calls in the baseline range to compare with.")
                                          : tr("No calls in the range to compare.");
        break;
    case Verdict::NoClearChange:
        text = tr("No clear change: median %1, %2").arg(shift, pValueText(c.test.pValue));
        break;
    case Verdict::Slower:
        text = tr("Slower: median %1, %2").arg(shift, pValueText(c.test.pValue));
        colours.setColor(QPalette::WindowText, Slower);
        break;
    case Verdict::Faster:
        text = tr("Faster: median %1, %2").arg(shift, pValueText(c.test.pValue));
        colours.setColor(QPalette::WindowText, Faster);
        break;
    }
    m_verdict->setText(text);
    m_verdict->setToolTip(c.verdict == Verdict::NoData
            ? QString()
            : test + u'\n' + tr("A change below 5% of the median, or with p ≥ 0.01, is no clear change."));
    m_verdict->setPalette(colours);
    m_verdict->show();
}

QString StatsPanel::figureText(Figure figure) const
{
    return m_values[figure]->text();
}

QString StatsPanel::baselineText(Figure figure) const
{
    return m_comparison ? m_baselines[figure]->text() : QString();
}

QString StatsPanel::changeText(Figure figure) const
{
    return m_comparison ? m_changes[figure]->text() : QString();
}

QColor StatsPanel::changeColor(Figure figure) const
{
    return m_changes[figure]->palette().color(QPalette::WindowText);
}

QString StatsPanel::verdictText() const
{
    return m_verdict->isHidden() ? QString() : m_verdict->text();
}

} // namespace Kodemon
