// SPDX-License-Identifier: MIT
#include "alerts/alertengine.h"

#include "alerts/alertboard.h"
#include "store/query.h"
#include "store/store.h"

#include <cmath>
#include <QDateTime>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

namespace Kodemon {

namespace {

QString resumeKey(const QString& rule, const KeyId& series)
{
    return rule + QChar(0) + series.key + QChar(0) + series.token;
}

// How long a baseline's statistics are reused: its range lies in the past (a week ago, or the window before this
// one), so it moves by one evaluation's step at a time; reading it at most once a minute halves the cost of a
// baseline rule without changing its threshold by more than a minute's worth of calls.
double baselineTtl(const AlertRule& rule, double interval)
{
    return std::min(60.0, std::max(interval, rule.window / 10));
}

constexpr qsizetype MaxUnstored = 10000; // transitions kept while the database refuses them

} // namespace

AlertEngine::AlertEngine(std::shared_ptr<Store> store, Options options)
    : m_store(std::move(store))
    , m_options(std::move(options))
    , m_timer(new QTimer(this))
    , m_reloadTimer(new QTimer(this))
{
    m_timer->setTimerType(Qt::PreciseTimer);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &AlertEngine::evaluateOnSchedule);
    // Editors save in several steps (truncate, write, rename): read the file once they are done.
    m_reloadTimer->setSingleShot(true);
    m_reloadTimer->setInterval(300);
    connect(m_reloadTimer, &QTimer::timeout, this, &AlertEngine::reloadRules);
}

AlertEngine::~AlertEngine() = default;

double AlertEngine::now() const
{
    return m_options.clock ? m_options.clock() : double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

void AlertEngine::start()
{
    m_query = std::make_unique<Query>(m_store->createReader());
    m_history = m_store->createAlertHistory();
    if (!m_history)
        qCWarning(lcAlerts) << "this store keeps no alert history: states start from ok at every start";
    if (m_history) {
        if (auto latest = m_history->latest(); latest) {
            for (const auto& transition : *latest)
                m_resumed.insert(resumeKey(transition.rule, transition.series), transition);
        } else {
            qCWarning(lcAlerts).noquote() << "cannot read the alerts' last states:" << latest.error();
        }
    }
    apply(m_options.rules);
    if (m_history) {
        // The panel shows each rule's last transitions from the start, not only those of this run.
        for (auto& state : m_rules) {
            AlertHistoryRequest request;
            request.rule = state.rule.name;
            request.limit = AlertRuleStatus::RecentTransitions;
            if (auto recent = m_history->read(request))
                state.recent = *recent;
        }
    }
    watchFile();
    evaluate();
}

void AlertEngine::apply(const RulesDocument& document)
{
    QList<RuleState> rules;
    for (const auto& rule : document.rules().rules) {
        RuleState state;
        for (const auto& old : std::as_const(m_rules)) {
            if (old.rule.name == rule.name)
                state = old; // the same rule, perhaps changed: its alerts keep their states
        }
        const bool sameCalls = state.rule.function == rule.function && state.rule.pattern == rule.pattern
            && state.rule.token == rule.token && state.rule.tags == rule.tags && state.rule.outcome == rule.outcome;
        if (!sameCalls || !(state.rule.condition.baseline.has_value() == rule.condition.baseline.has_value()))
            state.baselines.clear();
        if (!sameCalls)
            state.instances.clear(); // other calls: matched again below
        state.rule = rule;
        state.error.clear();
        rules.append(std::move(state));
    }
    m_rules = std::move(rules);
    m_document = document;
    m_seriesSeen = -1;
    if (m_query)
        schedule();
}

double AlertEngine::interval() const
{
    return std::max(0.1, m_document.rules().settings.interval);
}

// Evaluations happen at whole multiples of the interval (12:00:00, 12:00:05...), each measured as of its planned
// moment, as Prometheus does: the time between two evaluations is then exactly a number of intervals, so a `for`
// of 30 s at 5 s fires at the sixth evaluation after pending, not at the seventh when a timer woke 1 ms early.
void AlertEngine::schedule()
{
    const double time = now();
    // Never the same moment twice: a timer that woke a millisecond early has had its evaluation.
    const double next = std::max((std::floor(time / interval()) + 1) * interval(), m_lastScheduled + interval());
    m_timer->start(int(std::ceil((next - time) * 1000)));
}

void AlertEngine::evaluateOnSchedule()
{
    m_lastScheduled = std::round(now() / interval()) * interval();
    evaluateAt(m_lastScheduled);
    schedule();
}

AlertInstance AlertEngine::newInstance(const QString& rule, const KeyId& series) const
{
    const auto resumed = m_resumed.constFind(resumeKey(rule, series));
    if (resumed != m_resumed.constEnd())
        return resumeInstance(*resumed);
    AlertInstance instance;
    instance.series = series;
    return instance;
}

// Alerts exist for the functions a rule matches that have sent calls; the key list is read every evaluation
// (about 1 ms for 1,000 functions) but matched against the rules only when it grew or the rules changed.
Status AlertEngine::matchSeries()
{
    auto keys = m_query->keys();
    if (!keys)
        return keys.failure();
    if (keys->size() == m_seriesSeen)
        return Ok {};
    QHash<QString, QList<KeyId>> byKey;
    for (const auto& series : std::as_const(*keys))
        byKey[series.id.key].append(series.id);
    for (auto& state : m_rules) {
        const auto add = [&](const KeyId& id) {
            if (state.rule.token && *state.rule.token != id.token)
                return;
            const std::pair<QString, QString> slot { id.key, id.token };
            if (state.instances.find(slot) == state.instances.end())
                state.instances.emplace(slot, newInstance(state.rule.name, id));
        };
        if (!state.rule.pattern) {
            for (const auto& id : byKey.value(state.rule.function))
                add(id);
            continue;
        }
        for (auto it = byKey.cbegin(); it != byKey.cend(); ++it) {
            if (state.rule.matchesKey(it.key())) {
                for (const auto& id : it.value())
                    add(id);
            }
        }
    }
    m_seriesSeen = keys->size();
    return Ok {};
}

void AlertEngine::evaluate()
{
    evaluateAt(now());
}

void AlertEngine::evaluateAt(double time)
{
    if (!m_query)
        return;
    QElapsedTimer timer;
    timer.start();
    QList<AlertTransition> transitions;
    if (!m_rules.isEmpty()) {
        if (auto matched = matchSeries(); !matched) {
            for (auto& state : m_rules)
                state.error = matched.error();
        } else {
            evaluateRules(time, transitions);
        }
    }
    store(std::move(transitions));
    publish(time, double(timer.nsecsElapsed()) / 1e6);
}

// Every alert's question in one call (the store shares work between them: SqliteReader reads its recent table once
// per window length), then every alert's step. A baseline is asked again when its cached answer is old.
void AlertEngine::evaluateRules(double now, QList<AlertTransition>& transitions)
{
    struct Question
    {
        RuleState* state;
        AlertInstance* instance;
        qsizetype current; // index of the window's answer
        qsizetype baseline; // index of the baseline's answer, or -1: the cached one
    };
    QList<Question> questions;
    QList<SeriesSelector> selectors;
    for (auto& state : m_rules) {
        state.error.clear();
        const AlertRule& rule = state.rule;
        const TimeRange range { now - rule.window, now };
        for (auto& [slot, instance] : state.instances) {
            Question question { &state, &instance, selectors.size(), -1 };
            selectors.append(SeriesSelector(instance.series.key, instance.series.token, range, rule.tags, rule.outcome));
            if (auto baseline = baselineDue(state, instance.series, range, now)) {
                question.baseline = selectors.size();
                selectors.append(*baseline);
            }
            questions.append(question);
        }
    }
    auto answers = m_query->callTimes(selectors);
    if (!answers) {
        for (auto& state : m_rules)
            state.error = answers.error();
        return;
    }
    for (const auto& question : std::as_const(questions)) {
        RuleState& state = *question.state;
        const AlertStatistic statistic = state.rule.condition.statistic;
        auto& cached = state.baselines[question.instance->series];
        if (question.baseline >= 0) {
            cached.stats = statsOf(statistic, (*answers)[question.baseline]);
            cached.readAt = now;
        }
        const KeyStats current = statsOf(statistic, (*answers)[question.current]);
        const auto measurement = measure(state.rule.condition, current, state.rule.window,
            state.rule.condition.baseline ? cached.stats : std::nullopt);
        if (auto transition = advance(*question.instance, state.rule, measurement, now)) {
            transitions.append(*transition);
            state.recent.prepend(*transition);
            if (state.recent.size() > AlertRuleStatus::RecentTransitions)
                state.recent.removeLast();
            notify(state, *transition);
        }
    }
}

// The selector of the baseline range when its cached statistics are too old to use (or there are none).
std::optional<SeriesSelector> AlertEngine::baselineDue(
    RuleState& state, const KeyId& series, const TimeRange& current, double now)
{
    if (!state.rule.condition.baseline)
        return std::nullopt;
    const auto cached = state.baselines.constFind(series);
    if (cached != state.baselines.constEnd() && cached->readAt > 0
        && now - cached->readAt < baselineTtl(state.rule, interval()))
        return std::nullopt;
    const auto range = baselineRange(current, *state.rule.condition.baseline);
    if (!range)
        return std::nullopt;
    return SeriesSelector(series.key, series.token, *range, state.rule.tags, state.rule.outcome);
}

void AlertEngine::store(QList<AlertTransition> transitions)
{
    for (const auto& transition : std::as_const(transitions))
        m_resumed.insert(resumeKey(transition.rule, transition.series), transition);
    if (!m_history)
        return;
    QList<AlertTransition> pending = m_unstored + transitions;
    if (pending.isEmpty())
        return;
    if (auto status = m_history->append(pending); !status) {
        if (m_unstored.isEmpty())
            qCWarning(lcAlerts).noquote() << "cannot store alert transitions (kept, tried again):" << status.error();
        m_unstored = pending.mid(std::max<qsizetype>(0, pending.size() - MaxUnstored));
        return;
    }
    m_unstored.clear();
}

void AlertEngine::notify(const RuleState& state, const AlertTransition& transition)
{
    const AlertNotice notice = noticeFor(transition.from, transition.to);
    if (notice == AlertNotice::None)
        return;
    qCInfo(lcAlerts).noquote() << (notice == AlertNotice::Firing ? "firing:" : "resolved:") << state.rule.name << "on"
                               << transition.series.key << (state.rule.muted ? "(muted: not notified)" : "");
    if (state.rule.muted)
        return;
    const AlertSettings& settings = m_document.rules().settings;
    AlertEvent event;
    event.notice = notice;
    event.rule = state.rule;
    event.transition = transition;
    event.link = alertLink(settings.link.isEmpty() ? m_options.link : settings.link, transition.series, transition.time);
    event.webhook = state.rule.webhook.isEmpty() ? settings.webhook : state.rule.webhook;
    event.command = state.rule.command.isEmpty() ? settings.command : state.rule.command;
    event.webhookTimeout = settings.webhookTimeout;
    Q_EMIT fired(event);
}

void AlertEngine::publish(double now, double elapsedMs)
{
    AlertSnapshot snapshot;
    snapshot.time = now;
    snapshot.evaluationMs = elapsedMs;
    snapshot.rulesPath = m_options.rulesPath;
    snapshot.rulesError = m_rulesError;
    snapshot.settings = m_document.rules().settings;
    for (const auto& state : std::as_const(m_rules)) {
        AlertRuleStatus status;
        status.rule = state.rule;
        for (const auto& [slot, instance] : state.instances)
            status.instances.append(instance);
        status.recent = state.recent;
        status.error = state.error;
        snapshot.rules.append(std::move(status));
    }
    m_snapshot = snapshot;
    if (m_options.board)
        m_options.board->publish(snapshot);
    Q_EMIT evaluated(snapshot);
}

void AlertEngine::edit(const Result<RulesDocument>& edited)
{
    if (!edited) {
        Q_EMIT editFinished(edited.error());
        return;
    }
    if (m_options.rulesPath.isEmpty()) {
        Q_EMIT editFinished(QStringLiteral("this Kodemon has no rules file to write to"));
        return;
    }
    if (auto saved = saveRulesFile(m_options.rulesPath, *edited); !saved) {
        Q_EMIT editFinished(saved.error());
        return;
    }
    m_rulesError.clear();
    apply(*edited);
    watchFile(); // the first save creates the file (and perhaps its folder)
    Q_EMIT editFinished(QString());
    evaluate();
}

void AlertEngine::saveRule(const QString& previousName, const AlertRule& rule)
{
    edit(m_document.withRule(previousName, rule));
}

void AlertEngine::deleteRule(const QString& name)
{
    edit(m_document.withoutRule(name));
}

void AlertEngine::setMuted(const QString& name, bool muted)
{
    edit(m_document.withMuted(name, muted));
}

void AlertEngine::reloadRules()
{
    if (m_options.rulesPath.isEmpty())
        return;
    auto document = loadRulesFile(m_options.rulesPath);
    if (!document) {
        if (m_rulesError != document.error())
            qCWarning(lcAlerts).noquote() << document.error() << "- the rules read before stay in force";
        m_rulesError = document.error();
        publish(m_snapshot.time, m_snapshot.evaluationMs);
        return;
    }
    m_rulesError.clear();
    if (document->text() == m_document.text())
        return publish(m_snapshot.time, m_snapshot.evaluationMs);
    qCInfo(lcAlerts).noquote() << "read" << document->rules().rules.size() << "alert rules from" << m_options.rulesPath;
    apply(*document);
    evaluate();
}

// The folder is watched too: editors (and QSaveFile) replace the file, which ends a watch on the file itself.
void AlertEngine::watchFile()
{
    if (m_options.rulesPath.isEmpty())
        return;
    if (!m_watcher) {
        m_watcher = new QFileSystemWatcher(this);
        connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &AlertEngine::scheduleReload);
        connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &AlertEngine::scheduleReload);
    }
    const QFileInfo file(m_options.rulesPath);
    for (const QString& path : { file.absolutePath(), file.absoluteFilePath() }) {
        if (QFileInfo::exists(path) && !m_watcher->files().contains(path) && !m_watcher->directories().contains(path))
            m_watcher->addPath(path);
    }
}

void AlertEngine::scheduleReload()
{
    watchFile();
    m_reloadTimer->start();
}

} // namespace Kodemon
