// HTTP FieldTree: the tree's rows and their offsets point at the right bytes of each message.
#include "proto/http/http_field_tree.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "proto/http/http_parser.h"

namespace wirestep::proto::http {
namespace {

std::vector<HttpMessage> parse_all(ParserMode mode, std::string_view input) {
  HttpParser parser(mode);
  parser.feed(input);
  EXPECT_FALSE(parser.has_error()) << (parser.error() ? parser.error()->reason : "");
  std::vector<HttpMessage> out;
  while (auto m = parser.pop_message()) out.push_back(std::move(*m));
  return out;
}

// The bytes a field covers, read from the message's own bytes (offsets are message-relative).
std::string_view covered(std::string_view message_bytes, const Field& f) {
  return message_bytes.substr(f.offset, f.length);
}

std::vector<std::string> names(const FieldTree& tree, int parent) {
  std::vector<std::string> out;
  for (int i : tree.children(parent)) out.push_back(tree[static_cast<std::size_t>(i)].name);
  return out;
}

const Field& child(const FieldTree& tree, int parent, std::string_view name) {
  for (int i : tree.children(parent)) {
    if (tree[static_cast<std::size_t>(i)].name == name) return tree[static_cast<std::size_t>(i)];
  }
  ADD_FAILURE() << "no child " << name;
  static const Field kNone;
  return kNone;
}

int index_of(const FieldTree& tree, int parent, std::string_view name) {
  for (int i : tree.children(parent)) {
    if (tree[static_cast<std::size_t>(i)].name == name) return i;
  }
  ADD_FAILURE() << "no child " << name;
  return -1;
}

TEST(HttpFieldTree, RequestLineHeadersAndBlankLine) {
  const std::string input = "GET /index.html HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n";
  const auto messages = parse_all(ParserMode::Request, input);
  ASSERT_EQ(messages.size(), 1u);
  const FieldTree tree = to_field_tree(messages[0]);

  EXPECT_EQ(names(tree, -1), (std::vector<std::string>{"Request line", "Headers", "Blank line"}));
  const int line = tree.find("Request line");
  EXPECT_EQ(covered(input, tree[line]), "GET /index.html HTTP/1.1\r\n");
  EXPECT_EQ(tree[line].value, "GET /index.html HTTP/1.1");
  EXPECT_EQ(names(tree, line), (std::vector<std::string>{"Method", "Target", "Version"}));
  EXPECT_EQ(covered(input, child(tree, line, "Method")), "GET");
  EXPECT_EQ(child(tree, line, "Method").value, "GET");
  EXPECT_EQ(covered(input, child(tree, line, "Target")), "/index.html");
  EXPECT_EQ(covered(input, child(tree, line, "Version")), "HTTP/1.1");
  EXPECT_EQ(child(tree, index_of(tree, line, "Target"), "Target form").value, "origin-form");

  const int headers = tree.find("Headers");
  EXPECT_EQ(tree[headers].value, "2 fields");
  EXPECT_EQ(covered(input, tree[headers]), "Host: example.com\r\nAccept: */*\r\n");
  const std::vector<int> rows = tree.children(headers);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(tree[rows[0]].name, "Host");
  EXPECT_EQ(tree[rows[0]].value, "example.com");
  EXPECT_EQ(covered(input, tree[rows[0]]), "Host: example.com\r\n");
  EXPECT_EQ(covered(input, child(tree, rows[0], "Name")), "Host");
  EXPECT_EQ(covered(input, child(tree, rows[0], "Value")), "example.com");
  EXPECT_EQ(tree[rows[1]].name, "Accept");

  const Field& blank = tree[tree.find("Blank line")];
  EXPECT_EQ(blank.length, 2u);
  EXPECT_EQ(blank.offset, input.size() - 2);

  // The hex view's byte-to-row link: a byte of the Host value belongs to the Value row.
  const int at = tree.field_at(static_cast<std::uint32_t>(input.find("example")));
  ASSERT_GE(at, 0);
  EXPECT_EQ(tree[at].name, "Value");
  EXPECT_EQ(tree[tree[at].parent].name, "Host");
}

TEST(HttpFieldTree, OffsetsAreRelativeToEachPipelinedMessage) {
  const std::string first = "GET /a HTTP/1.1\r\nHost: one\r\n\r\n";
  const std::string second = "GET /bb HTTP/1.1\r\nHost: second-host\r\n\r\n";
  const auto messages = parse_all(ParserMode::Request, first + second);
  ASSERT_EQ(messages.size(), 2u);
  const FieldTree tree = to_field_tree(messages[1]);
  const int line = tree.find("Request line");
  EXPECT_EQ(tree[line].offset, 0u);
  EXPECT_EQ(covered(second, child(tree, line, "Target")), "/bb");
  const int host = tree.children(tree.find("Headers")).at(0);
  EXPECT_EQ(covered(second, child(tree, host, "Value")), "second-host");
}

TEST(HttpFieldTree, ChunkedBodyShowsChunksAndTrailers) {
  const std::string head = "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string input =
      head + "1a;ext=\"v\"\r\n" + std::string(26, 'x') + "\r\n0\r\nDigest: abc\r\n\r\n";
  const auto messages = parse_all(ParserMode::Request, input);
  ASSERT_EQ(messages.size(), 1u);
  const FieldTree tree = to_field_tree(messages[0]);
  EXPECT_EQ(names(tree, -1), (std::vector<std::string>{"Request line", "Headers", "Blank line",
                                                       "Body", "Trailers"}));
  const int body = tree.find("Body");
  EXPECT_EQ(tree[body].value, "26 bytes (chunked, 2 chunks)");
  EXPECT_EQ(tree[body].offset, head.size());
  EXPECT_EQ(names(tree, body), (std::vector<std::string>{"Chunk", "Last chunk"}));
  const int chunk = tree.children(body)[0];
  EXPECT_EQ(names(tree, chunk), (std::vector<std::string>{"Size line", "Data", "Data end"}));
  const int size_line = index_of(tree, chunk, "Size line");
  EXPECT_EQ(covered(input, tree[size_line]), "1a;ext=\"v\"\r\n");
  EXPECT_EQ(covered(input, child(tree, size_line, "Chunk size")), "1a");
  EXPECT_EQ(child(tree, size_line, "Chunk size").value, "0x1a = 26 bytes");
  EXPECT_EQ(covered(input, child(tree, size_line, "Extension")), ";ext=\"v\"");
  EXPECT_EQ(child(tree, size_line, "Extension").value, "ext=v");
  EXPECT_EQ(covered(input, child(tree, chunk, "Data")), std::string(26, 'x'));
  EXPECT_EQ(covered(input, child(tree, chunk, "Data end")), "\r\n");

  const int trailers = tree.find("Trailers");
  EXPECT_EQ(covered(input, tree[trailers]), "Digest: abc\r\n\r\n");
  EXPECT_EQ(names(tree, trailers), (std::vector<std::string>{"Digest", "Blank line"}));

  const int at = tree.field_at(static_cast<std::uint32_t>(head.size() + 15));
  ASSERT_GE(at, 0);
  EXPECT_EQ(tree[at].name, "Data");
}

TEST(HttpFieldTree, ContentLengthBody) {
  const std::string input = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nabcd";
  const auto messages = parse_all(ParserMode::Request, input);
  ASSERT_EQ(messages.size(), 1u);
  const FieldTree tree = to_field_tree(messages[0]);
  const Field& body = tree[tree.find("Body")];
  EXPECT_EQ(covered(input, body), "abcd");
  EXPECT_EQ(body.value, "4 bytes (Content-Length)");
}

TEST(HttpFieldTree, StatusLine) {
  const std::string input = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
  const auto messages = parse_all(ParserMode::Response, input);
  ASSERT_EQ(messages.size(), 1u);
  const FieldTree tree = to_field_tree(messages[0]);
  const int line = tree.find("Status line");
  ASSERT_GE(line, 0);
  EXPECT_EQ(names(tree, line), (std::vector<std::string>{"Version", "Status code", "Reason"}));
  EXPECT_EQ(covered(input, child(tree, line, "Status code")), "404");
  EXPECT_EQ(child(tree, line, "Status code").value, "404");
  EXPECT_EQ(covered(input, child(tree, line, "Reason")), "Not Found");
}

TEST(HttpFieldTree, BareLfIsMarkedAsANote) {
  const std::string input = "GET / HTTP/1.1\nHost: h\n\n";
  const auto messages = parse_all(ParserMode::Request, input);
  ASSERT_EQ(messages.size(), 1u);
  const FieldTree tree = to_field_tree(messages[0]);
  const Field& blank = tree[tree.find("Blank line")];
  EXPECT_EQ(blank.length, 1u);
  EXPECT_EQ(blank.severity, FieldSeverity::Note);
  const int host = tree.children(tree.find("Headers")).at(0);
  EXPECT_EQ(tree[host].severity, FieldSeverity::Note);
  int notes = 0;
  for (const Field& f : tree.fields()) {
    if (f.name == "Note") {
      ++notes;
      EXPECT_EQ(covered(input, f), "\n");
    }
  }
  EXPECT_EQ(notes, 3);
}

TEST(HttpFieldTree, PartialMessageAndErrorAfterABadHeader) {
  const std::string ok = "GET /ok HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string bad = "GET /bad HTTP/1.1\r\nHost: h\r\nBad Name: v\r\n\r\n";
  HttpParser parser(ParserMode::Request);
  parser.feed(ok + bad);
  ASSERT_TRUE(parser.has_error());
  const FieldTree tree = to_field_tree(parser.current(), &*parser.error());
  EXPECT_EQ(names(tree, -1), (std::vector<std::string>{"Request line", "Headers", "Error"}));
  const Field& error = tree[tree.find("Error")];
  EXPECT_EQ(error.severity, FieldSeverity::Error);
  EXPECT_EQ(error.offset, bad.find(" Name"));  // relative to the second message
  EXPECT_NE(error.value.find("400 Bad Request"), std::string::npos);
  EXPECT_EQ(covered(bad, tree[tree.find("Target")]), "/bad");
}

TEST(HttpFieldTree, ErrorInTheRequestLineShowsWhatWasUnderstood) {
  HttpParser parser(ParserMode::Request);
  parser.feed("GET / HTTP/2.0\r\n");
  ASSERT_TRUE(parser.has_error());
  const FieldTree tree = to_field_tree(parser.current(), &*parser.error());
  const int line = tree.find("Request line");
  ASSERT_GE(line, 0);
  EXPECT_EQ(tree[line].value, "GET / HTTP/2.0");
  EXPECT_EQ(tree[tree.find("Error")].offset, 6u);
  EXPECT_NE(tree[tree.find("Error")].value.find("505"), std::string::npos);
}

}  // namespace
}  // namespace wirestep::proto::http
