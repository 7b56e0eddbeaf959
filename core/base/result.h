// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <utility>
#include <variant>

namespace Kodemon {

// What kind of failure, so that callers (the HTTP API above all) can answer with the right status.
enum class ErrorKind {
    Failed, // the operation could not be done (I/O, database)
    Invalid, // the request itself is wrong (a bad parameter)
    NotFound, // what was asked for does not exist
    StorageFull, // the disk or the store's size limit is full: freeing space (or raising the limit) fixes it
};

// What went wrong, in words a user can act on.
struct Error
{
    QString message;
    ErrorKind kind = ErrorKind::Failed;

    // The same kind of failure told with more context ("cannot commit 10 samples: " + message, say).
    Error withMessage(QString text) const { return Error { std::move(text), kind }; }
};

// A value or an Error; core functions that can fail return this instead of throwing.
template<typename T> class Result
{
public:
    Result(T value)
        : m_state(std::move(value))
    { }
    Result(Error error)
        : m_state(std::move(error))
    { }

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }
    const T& value() const& { return std::get<T>(m_state); }
    T& value() & { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    const T& operator*() const& { return value(); }
    T& operator*() & { return value(); }
    const T* operator->() const { return &value(); }
    T* operator->() { return &value(); }
    const QString& error() const { return std::get<Error>(m_state).message; }
    ErrorKind errorKind() const { return std::get<Error>(m_state).kind; }
    const Error& failure() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

struct Ok
{ };
using Status = Result<Ok>;

} // namespace Kodemon
