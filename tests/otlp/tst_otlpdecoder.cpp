// SPDX-License-Identifier: MIT
// The OTLP decoders: the same requests as protobuf (built with the generated messages) and as OTLP/JSON give the
// same calls; every span field that makes a call, attribute type, precedence, error status, refused span and
// undecodable body, one row each.
#include "otlp/otlpdecoder.h"

#include <otlptrace.pb.h>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace Kodemon;

class tst_OtlpDecoder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void json_data();
    void json();
    void protobufMatchesJson();
    void badBodies_data();
    void badBodies();
    void refusedSpans();
    void deepValuesAreCut();
};

namespace {

constexpr quint64 Start = 1795608000123456000ull;

QByteArray compact(const QByteArray& json)
{
    return QJsonDocument::fromJson(json).toJson(QJsonDocument::Compact);
}

// One span in a resource with service.name "shop" and a scope "lib" 2.0.
QByteArray request(const QByteArray& span, const QByteArray& resourceAttributes = {})
{
    return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}})"
        + (resourceAttributes.isEmpty() ? QByteArray() : ',' + resourceAttributes)
        + R"(]},"scopeSpans":[{"scope":{"name":"lib","version":"2.0"},"spans":[)" + span + "]}]}]}";
}

QByteArray span(const QByteArray& name, quint64 start, quint64 end, const QByteArray& more = {})
{
    return R"({"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","name":")" + name
        + R"(","startTimeUnixNano":")" + QByteArray::number(start) + R"(","endTimeUnixNano":")" + QByteArray::number(end)
        + '"' + more + '}';
}

} // namespace

void tst_OtlpDecoder::json_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("key");
    QTest::addColumn<double>("ms");
    QTest::addColumn<QByteArray>("extra");
    const QByteArray scope = R"("otel.scope.name":"lib","otel.scope.version":"2.0")";
    QTest::newRow("plain span") << request(span("GET /cart", Start, Start + 31900000)) << "GET /cart" << 31.9
                                << compact("{" + scope + "}");
    QTest::newRow("zero duration") << request(span("noop", Start, Start)) << "noop" << 0.0 << compact("{" + scope + "}");
    QTest::newRow("nanoseconds") << request(span("tiny", Start, Start + 1500)) << "tiny" << 0.0015
                                 << compact("{" + scope + "}");
    QTest::newRow("times as numbers")
        << request(R"({"name":"n","startTimeUnixNano":1000000000,"endTimeUnixNano":1002000000})") << "n" << 2.0
        << compact("{" + scope + "}");
    QTest::newRow("attribute types")
        << request(span("typed", Start, Start + 1000000,
               R"(,"attributes":[{"key":"s","value":{"stringValue":"text"}},{"key":"b","value":{"boolValue":false}},)"
               R"({"key":"i","value":{"intValue":"-42"}},{"key":"d","value":{"doubleValue":2.5}},)"
               R"({"key":"big","value":{"intValue":"9007199254740993"}},)"
               R"({"key":"y","value":{"bytesValue":"AQID"}},{"key":"a","value":{"arrayValue":{"values":[{"intValue":1},{"stringValue":"x"}]}}},)"
               R"({"key":"kv","value":{"kvlistValue":{"values":[{"key":"k","value":{"boolValue":true}}]}}},)"
               R"({"key":"nan","value":{"doubleValue":"NaN"}},{"key":"empty","value":{}}])"))
        << "typed" << 1.0
        << compact(R"({"s":"text","b":false,"i":-42,"d":2.5,"big":9007199254740993,"y":"AQID","a":[1,"x"],"kv":{"k":true},)"
                   R"("nan":null,"empty":null,"otel.scope.name":"lib","otel.scope.version":"2.0"})");
    QTest::newRow("span wins over resource")
        << request(span("p", Start, Start + 1000000, R"(,"attributes":[{"key":"env","value":{"stringValue":"span"}}])"),
               R"({"key":"env","value":{"stringValue":"resource"}},{"key":"host","value":{"stringValue":"h1"}})")
        << "p" << 1.0 << compact(R"({"env":"span","host":"h1","otel.scope.name":"lib","otel.scope.version":"2.0"})");
    QTest::newRow("error with message")
        << request(span("fails", Start, Start + 2000000, R"(,"status":{"code":2,"message":"TimeoutError"})")) << "fails"
        << 2.0 << compact(R"({"error":"TimeoutError","otel.scope.name":"lib","otel.scope.version":"2.0"})");
    QTest::newRow("error without message") << request(span("fails", Start, Start + 2000000, R"(,"status":{"code":2})"))
                                           << "fails" << 2.0
                                           << compact(R"({"error":true,"otel.scope.name":"lib","otel.scope.version":"2.0"})");
    QTest::newRow("ok status is no error") << request(span("fine", Start, Start + 2000000, R"(,"status":{"code":1,"message":"x"})"))
                                           << "fine" << 2.0 << compact("{" + scope + "}");
    QTest::newRow("unknown members ignored")
        << request(span("u", Start, Start + 1000000, R"(,"future":{"a":[1,2,{"b":null}]},"kind":2,"flags":1,"events":[],"links":[])"))
        << "u" << 1.0 << compact("{" + scope + "}");
    QTest::newRow("snake_case is unknown") << request(span("snake", Start, Start + 1000000, R"(,"dropped_attributes_count":3)"))
                                           << "snake" << 1.0 << compact("{" + scope + "}");
    QTest::newRow("UTF-8 name") << request(span("caf\xc3\xa9 \xe2\x82\xac", Start, Start + 1000000))
                                << QStringLiteral("café €") << 1.0 << compact("{" + scope + "}");
}

void tst_OtlpDecoder::json()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, key);
    QFETCH(double, ms);
    QFETCH(QByteArray, extra);
    const auto calls = decodeOtlpJson(body);
    QVERIFY2(calls, calls ? "" : qPrintable(calls.error()));
    QCOMPARE(calls->samples.size(), 1);
    const Sample& call = calls->samples[0];
    QCOMPARE(call.key, key);
    QCOMPARE(call.token, QStringLiteral("shop"));
    QCOMPARE(call.executionTime, ms);
    QCOMPARE(call.extra, extra);
    QCOMPARE(calls->rejectedTotal(), 0);
}

// The same request as protobuf and as JSON: the same calls, to the bit.
void tst_OtlpDecoder::protobufMatchesJson()
{
    otlpwire::ExportTraceServiceRequest message;
    auto* resource = message.add_resource_spans();
    auto* service = resource->mutable_resource()->add_attributes();
    service->set_key("service.name");
    service->mutable_value()->set_string_value("shop");
    auto* scope = resource->add_scope_spans();
    scope->mutable_scope()->set_name("lib");
    scope->mutable_scope()->set_version("2.0");
    auto* s = scope->add_spans();
    s->set_name("GET /cart");
    s->set_start_time_unix_nano(Start);
    s->set_end_time_unix_nano(Start + 31900000);
    auto* attribute = s->add_attributes();
    attribute->set_key("http.status_code");
    attribute->mutable_value()->set_int_value(503);
    s->mutable_status()->set_code(2);
    s->mutable_status()->set_message("Unavailable");
    const std::string bytes = message.SerializeAsString();
    const auto fromProtobuf = decodeOtlpProtobuf(QByteArrayView(bytes.data(), qsizetype(bytes.size())));
    const auto fromJson = decodeOtlpJson(request(span("GET /cart", Start, Start + 31900000,
        R"(,"attributes":[{"key":"http.status_code","value":{"intValue":"503"}}],"status":{"code":2,"message":"Unavailable"})")));
    QVERIFY(fromProtobuf && fromJson);
    QCOMPARE(fromProtobuf->samples.size(), 1);
    QCOMPARE(fromJson->samples.size(), 1);
    const Sample& a = fromProtobuf->samples[0];
    const Sample& b = fromJson->samples[0];
    QCOMPARE(a.key, b.key);
    QCOMPARE(a.token, b.token);
    QCOMPARE(a.timestamp, b.timestamp);
    QCOMPARE(a.timestamp, 1795608000.123456);
    QCOMPARE(a.executionTime, 31.9);
    QCOMPARE(a.extra, b.extra);
    QCOMPARE(a.extra, compact(R"({"error":"Unavailable","http.status_code":503,"otel.scope.name":"lib","otel.scope.version":"2.0"})"));
}

void tst_OtlpDecoder::badBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("json");
    QTest::addColumn<QString>("says");
    QTest::newRow("garbage protobuf") << QByteArray("\xff\xff\xff\xff\xff") << false << "not an OTLP";
    QTest::newRow("truncated protobuf") << QByteArray::fromHex("0a0512030a01") << false << "not an OTLP";
    QTest::newRow("invalid UTF-8 in a protobuf string") << QByteArray::fromHex("0a08120612042a02ff41") << false << "UTF-8";
    QTest::newRow("not JSON") << QByteArray("{\"resourceSpans\": [") << true << "not JSON";
    QTest::newRow("JSON array") << QByteArray("[]") << true << "not a JSON object";
    QTest::newRow("invalid UTF-8 JSON") << QByteArray("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"\xff\"}]}]}]}")
                                        << true << "not JSON";
    QTest::newRow("deep JSON") << QByteArray(QByteArray(5000, '[') + QByteArray(5000, ']')) << true << "not JSON";
    QTest::newRow("resourceSpans not an array") << QByteArray(R"({"resourceSpans":{}})") << true
                                                << "resourceSpans must be an array";
    QTest::newRow("span name a number") << request(R"({"name":5})") << true << "spans[0].name must be a string";
    QTest::newRow("time not an integer") << request(R"({"name":"a","startTimeUnixNano":"soon"})") << true
                                         << "startTimeUnixNano must be an integer";
    QTest::newRow("negative time") << request(R"({"name":"a","startTimeUnixNano":-5})") << true
                                   << "startTimeUnixNano must be an integer";
    QTest::newRow("fractional time") << request(R"({"name":"a","startTimeUnixNano":1.5})") << true
                                     << "startTimeUnixNano must be an integer";
    QTest::newRow("enum as a name") << request(R"({"name":"a","status":{"code":"STATUS_CODE_ERROR"}})") << true
                                    << "status.code must be an integer";
    QTest::newRow("bool as text") << request(span("a", Start, Start, R"(,"attributes":[{"key":"b","value":{"boolValue":"yes"}}])"))
                                  << true << "boolValue must be true or false";
    QTest::newRow("bad base64") << request(span("a", Start, Start, R"(,"attributes":[{"key":"b","value":{"bytesValue":"!!"}}])"))
                                << true << "bytesValue must be base64";
    QTest::newRow("deep attribute value")
        << request(span("a", Start, Start,
               R"(,"attributes":[{"key":"k","value":)" + QByteArray(R"({"arrayValue":{"values":[)").repeated(70)
                   + QByteArray("{}") + QByteArray("]}}").repeated(70) + "}]"))
        << true << "nested more than 64 levels";
}

void tst_OtlpDecoder::badBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, json);
    QFETCH(QString, says);
    const auto calls = json ? decodeOtlpJson(body) : decodeOtlpProtobuf(body);
    QVERIFY(!calls);
    QCOMPARE(calls.errorKind(), ErrorKind::Invalid);
    QVERIFY2(calls.error().contains(says), qPrintable(calls.error()));
}

void tst_OtlpDecoder::refusedSpans()
{
    const QByteArray body = request(span("kept", Start, Start + 1000000) + ',' + span("", Start, Start + 1) + ','
        + span("backwards", Start, Start - 1) + ',' + R"({"name":"no start"})" + ','
        + span(QByteArray(1025, 'n'), Start, Start) + ',' + span(QByteArray(1024, 'n'), Start, Start));
    const auto calls = decodeOtlpJson(body);
    QVERIFY(calls);
    QCOMPARE(calls->samples.size(), 2);
    QCOMPARE(calls->samples[0].key, QStringLiteral("kept"));
    QCOMPARE(calls->rejected[size_t(OtlpSpanReject::MissingName)], 1);
    QCOMPARE(calls->rejected[size_t(OtlpSpanReject::BadTime)], 2);
    QCOMPARE(calls->rejected[size_t(OtlpSpanReject::BadName)], 1);
    QCOMPARE(calls->firstRejection, QStringLiteral("a span has no name"));
    QCOMPARE(otlpSpanRejectName(OtlpSpanReject::BadTime), QLatin1StringView("bad_time"));
}

// Nested attribute values: 30 array levels are kept as nested JSON arrays; 80 pass protobuf's recursion limit of
// 100 messages (two per level) and the body is refused with a reason, not parsed on and on.
void tst_OtlpDecoder::deepValuesAreCut()
{
    for (const int levels : { 30, 80 }) {
        otlpwire::ExportTraceServiceRequest message;
        auto* s = message.add_resource_spans()->add_scope_spans()->add_spans();
        s->set_name("deep");
        s->set_start_time_unix_nano(Start);
        s->set_end_time_unix_nano(Start);
        auto* attribute = s->add_attributes();
        attribute->set_key("k");
        otlpwire::AnyValue* value = attribute->mutable_value();
        for (int i = 0; i < levels; ++i)
            value = value->mutable_array_value()->add_values();
        value->set_string_value("bottom");
        const std::string bytes = message.SerializeAsString();
        const auto calls = decodeOtlpProtobuf(QByteArrayView(bytes.data(), qsizetype(bytes.size())));
        if (levels > 40) {
            QVERIFY(!calls);
            QVERIFY(calls.error().contains(QStringLiteral("nested too deeply")));
            continue;
        }
        QVERIFY2(calls, calls ? "" : qPrintable(calls.error()));
        QCOMPARE(calls->samples.size(), 1);
        QVERIFY(calls->samples[0].extra.contains("[[[[\"bottom\"]]]]"));
    }
}

QTEST_GUILESS_MAIN(tst_OtlpDecoder)
#include "tst_otlpdecoder.moc"
