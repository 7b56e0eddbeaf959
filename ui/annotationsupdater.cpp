// SPDX-License-Identifier: MIT
#include "annotationsupdater.h"

#include "base/logging.h"
#include "chartmarkers.h"
#include "chartview.h"
#include "displayformat.h"
#include "store/query.h"
#include "timerangecontroller.h"

#include <QTimer>

namespace Kodemon {

namespace {

constexpr int MaxLabelChars = 32; // the whole text is in the tooltip; a long one would cover the plot

QString labelOf(const Annotation& annotation)
{
    const QString text = annotation.text.simplified();
    return text.size() <= MaxLabelChars ? text : text.left(MaxLabelChars - 1) + u'…';
}

QString toolTipOf(const Annotation& annotation)
{
    QString when = DisplayFormat::dateTime(annotation.time);
    if (annotation.end)
        when += QStringLiteral(" – ") + DisplayFormat::dateTime(*annotation.end);
    QStringList lines { annotation.text, when };
    if (!annotation.tags.isEmpty())
        lines.append(AnnotationsUpdater::tr("Labels: %1").arg(annotation.tags.join(QStringLiteral(", "))));
    lines.append(annotation.token.isEmpty() ? AnnotationsUpdater::tr("Every project")
                                            : AnnotationsUpdater::tr("Project (token) %1").arg(annotation.token));
    return lines.join(u'\n');
}

} // namespace

AnnotationsUpdater::AnnotationsUpdater(ChartView* chart, TimeRangeController* range, QObject* parent)
    : QObject(parent)
    , m_chart(chart)
    , m_range(range)
    , m_jobs(this)
    , m_timer(new QTimer(this))
{
    m_timer->setInterval(RefreshMs);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (m_range->isLive() && !m_jobs.isBusy())
            reload();
    });
    connect(m_range, &TimeRangeController::rangeChanged, this, &AnnotationsUpdater::reload);
    connect(m_range, &TimeRangeController::liveChanged, this, [this](bool live) {
        if (live)
            m_timer->start();
        else
            m_timer->stop();
    });
    if (m_range->isLive())
        m_timer->start();
}

AnnotationsUpdater::~AnnotationsUpdater() = default;

QColor AnnotationsUpdater::color()
{
    return QColor(0xe3, 0xb3, 0x41);
}

void AnnotationsUpdater::setQueryThread(QueryThread* thread)
{
    m_jobs.cancel();
    m_thread = thread;
    reload();
}

void AnnotationsUpdater::reload()
{
    if (!m_thread) {
        m_jobs.cancel();
        apply(QList<Annotation>());
        return;
    }
    const TimeRange range = m_range->range();
    m_jobs.start(
        *m_thread, [range](Query& query, const JobTracker::IsStale&) { return query.annotations(range); },
        [this](const Result<QList<Annotation>>& annotations) { apply(annotations); });
}

void AnnotationsUpdater::apply(const Result<QList<Annotation>>& annotations)
{
    // A store without annotations (ClickHouse, an older remote Kodemon) simply has no markers.
    if (!annotations)
        qCDebug(lcUi) << "no annotations:" << annotations.error();
    m_annotations = annotations ? *annotations : QList<Annotation>();
    m_chart->setMarkers(markersOf(m_annotations), MarkerLayer::Annotations);
    Q_EMIT loaded();
}

QList<ChartMarker> AnnotationsUpdater::markersOf(const QList<Annotation>& annotations)
{
    QList<ChartMarker> markers;
    markers.reserve(annotations.size());
    for (const auto& annotation : annotations) {
        ChartMarker marker;
        marker.series = KeyId { annotation.token, QString() };
        marker.time = annotation.time;
        marker.end = annotation.end;
        marker.color = color();
        marker.label = labelOf(annotation);
        marker.toolTip = toolTipOf(annotation);
        markers.append(marker);
    }
    return markers;
}

} // namespace Kodemon
