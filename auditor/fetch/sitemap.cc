// Sitemaps (sitemaps.org): XML read with expat in streaming mode, gzip inflated chunk by chunk.
// See sitemap.h.
//
// Memory stays bounded whatever the input: gzip is inflated 64 KiB at a time and each piece is
// handed to expat (or the text reader) before the next is produced, decoding stops at
// SitemapLimits::max_decoded_bytes, and the element text we keep is capped per element. A gzip
// bomb therefore costs at most max_decoded_bytes of CPU and a few hundred KiB of memory.
//
// Decisions:
// - After an optional UTF-8 BOM and leading whitespace, content starting with "<" is XML;
//   anything else is a text sitemap (one URL per line; lines that are not http(s) URLs are
//   errors). This is decided on the decoded bytes, so gzip-compressed text sitemaps work too.
// - Namespaces are handled loosely: the parser is not namespace-aware (so an undeclared prefix,
//   common in hand-made sitemaps, is no error) and element names are compared by their local
//   part ("sm:loc" is "loc"). Structure is what counts: <loc> and <lastmod> are read only as
//   direct children of a <url> (in a <urlset>) or <sitemap> (in a <sitemapindex>), so
//   extensions such as <image:image><image:loc> never leak in.
// - A root other than <urlset> or <sitemapindex> (an HTML error page, a feed) is an error and
//   nothing is read. On an XML error, the entries completed before it are kept.
// - Entity declarations are refused outright (sitemaps never need them), which rules out
//   "billion laughs" whatever the expat version; external entities are never loaded because
//   no external entity handler is set.
// - max_urls counts <url> and <sitemap> entries; `truncated` is set only when one more entry
//   follows the limit.
#include "fetch/sitemap.h"

#include <expat.h>
#include <zlib.h>

#include <algorithm>
#include <memory>
#include <string>

#include "core/text.h"

namespace mmaudit::fetch {
namespace {

constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kMaxErrors = 20;
constexpr std::size_t kMaxText = 64 * 1024;  // per <loc>/<lastmod> or text line; URLs are < 2,048 chars
constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

bool IsHttpUrl(std::string_view s) { return text::StartsWithIgnoreCase(s, "http://") || text::StartsWithIgnoreCase(s, "https://"); }

// "sm:loc" -> "loc".
std::string_view LocalName(const XML_Char* name) {
  std::string_view s(name);
  const std::size_t colon = s.rfind(':');
  return colon == std::string_view::npos ? s : s.substr(colon + 1);
}

// Receives the decoded bytes, in pieces, and fills a Sitemap.
class Reader {
 public:
  Reader(const SitemapLimits& limits, Sitemap* out) : limits_(limits), out_(out) {}
  ~Reader() {
    if (parser_ != nullptr) XML_ParserFree(parser_);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Takes the next decoded piece. Returns false once no more input is wanted: a limit was reached
  // or the document cannot be read further.
  bool Feed(std::string_view data) {
    if (done_) return false;
    const std::size_t room = limits_.max_decoded_bytes - decoded_;
    const bool over = data.size() > room;
    if (over) data = data.substr(0, room);
    decoded_ += data.size();
    Consume(data);
    if (over && !done_) {
      out_->truncated = true;
      done_ = true;  // the document is cut: no end-of-input checks
    }
    return !done_;
  }

  // The input ended normally.
  void Finish() {
    if (done_) return;
    if (!bom_done_) {  // one or two bytes that looked like the start of a BOM, and nothing else
      bom_done_ = true;
      const std::string pending = std::move(bom_pending_);
      bom_pending_.clear();
      ConsumeAfterBom(pending);
      if (done_) return;
    }
    switch (mode_) {
      case Mode::kStart:
        AddError("empty sitemap");
        break;
      case Mode::kXml:
        if (XML_Parse(parser_, nullptr, 0, XML_TRUE) == XML_STATUS_ERROR) XmlFailed();
        break;
      case Mode::kText:
        EndTextLine();
        if (out_->urls.empty() && text_non_urls_ > 0) AddError("not a sitemap: neither XML nor a list of URLs");
        break;
    }
    done_ = true;
  }

  // The input ended in the middle (corrupt compressed data): nothing more is checked.
  void Abandon() { done_ = true; }

  std::size_t decoded() const { return decoded_; }

  void AddError(std::string error) {
    if (out_->errors.size() < kMaxErrors) out_->errors.push_back(std::move(error));
    else ++dropped_errors_;
  }

  void Close() {
    if (dropped_errors_ > 0) out_->errors.push_back("... and " + std::to_string(dropped_errors_) + " more errors");
    dropped_errors_ = 0;
  }

 private:
  enum class Mode { kStart, kXml, kText };
  enum class Capture { kNone, kLoc, kLastmod };
  enum class Root { kUnknown, kUrlset, kIndex };

  void Consume(std::string_view data) {
    if (!bom_done_) {
      // The BOM could in theory arrive split over pieces: hold its first bytes until we know.
      const std::size_t take = std::min(kBom.size() - bom_pending_.size(), data.size());
      bom_pending_.append(data.substr(0, take));
      data.remove_prefix(take);
      if (bom_pending_.size() < kBom.size() && bom_pending_ == kBom.substr(0, bom_pending_.size())) return;
      bom_done_ = true;
      if (bom_pending_ != kBom) {
        const std::string joined = bom_pending_ + std::string(data);  // once per document
        bom_pending_.clear();
        ConsumeAfterBom(joined);
        return;
      }
      bom_pending_.clear();
    }
    ConsumeAfterBom(data);
  }

  void ConsumeAfterBom(std::string_view data) {
    if (mode_ == Mode::kStart) {
      while (!data.empty() && IsSpace(data.front())) {
        if (data.front() == '\n') ++skipped_lines_;
        data.remove_prefix(1);
      }
      if (data.empty()) return;
      if (data.front() == '<') StartXml();
      else mode_ = Mode::kText;
    }
    if (mode_ == Mode::kXml) FeedXml(data);
    else if (mode_ == Mode::kText) FeedText(data);
  }

  // --- XML -----------------------------------------------------------------------------------

  void StartXml() {
    mode_ = Mode::kXml;
    parser_ = XML_ParserCreate(nullptr);
    if (parser_ == nullptr) {
      AddError("cannot create the XML parser");
      done_ = true;
      return;
    }
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &Reader::OnStart, &Reader::OnEnd);
    XML_SetCharacterDataHandler(parser_, &Reader::OnText);
    XML_SetEntityDeclHandler(parser_, &Reader::OnEntityDecl);
    XML_SetParamEntityParsing(parser_, XML_PARAM_ENTITY_PARSING_NEVER);
  }

  void FeedXml(std::string_view data) {
    if (done_ || parser_ == nullptr || data.empty()) return;
    if (XML_Parse(parser_, data.data(), static_cast<int>(data.size()), XML_FALSE) == XML_STATUS_ERROR) XmlFailed();
  }

  void XmlFailed() {
    if (!stopped_) {
      AddError("XML error at line " + std::to_string(XML_GetCurrentLineNumber(parser_) + skipped_lines_) + ": " +
               XML_ErrorString(XML_GetErrorCode(parser_)));
    }
    done_ = true;
  }

  // Stops expat from inside a handler; what was read so far is kept.
  void Stop() {
    stopped_ = true;
    done_ = true;
    XML_StopParser(parser_, XML_FALSE);
  }

  std::string LineTag() const { return "line " + std::to_string(XML_GetCurrentLineNumber(parser_) + skipped_lines_); }

  static void XMLCALL OnStart(void* user, const XML_Char* name, const XML_Char** /*attributes*/) {
    static_cast<Reader*>(user)->StartElement(LocalName(name));
  }
  static void XMLCALL OnEnd(void* user, const XML_Char* name) { static_cast<Reader*>(user)->EndElement(); }
  static void XMLCALL OnText(void* user, const XML_Char* s, int len) {
    static_cast<Reader*>(user)->Text(std::string_view(s, static_cast<std::size_t>(len)));
  }
  static void XMLCALL OnEntityDecl(void* user, const XML_Char* /*name*/, int /*is_parameter_entity*/,
                                   const XML_Char* /*value*/, int /*value_length*/, const XML_Char* /*base*/,
                                   const XML_Char* /*system_id*/, const XML_Char* /*public_id*/,
                                   const XML_Char* /*notation_name*/) {
    auto* self = static_cast<Reader*>(user);
    self->AddError(self->LineTag() + ": entity declarations are not allowed in a sitemap");
    self->Stop();
  }

  void StartElement(std::string_view local) {
    if (stopped_) return;
    ++depth_;
    if (depth_ == 1) {
      if (local == "urlset") {
        root_ = Root::kUrlset;
      } else if (local == "sitemapindex") {
        root_ = Root::kIndex;
        out_->is_index = true;
      } else {
        AddError("root element <" + text::Truncate(text::SanitizeUtf8(local), 40) +
                 "> is neither <urlset> nor <sitemapindex>");
        Stop();
      }
    } else if (depth_ == 2) {
      in_entry_ = (root_ == Root::kUrlset && local == "url") || (root_ == Root::kIndex && local == "sitemap");
      loc_.clear();
      lastmod_.clear();
      has_loc_ = false;
    } else if (depth_ == 3 && in_entry_) {
      if (local == "loc") capture_ = Capture::kLoc;
      else if (local == "lastmod") capture_ = Capture::kLastmod;
      if (capture_ != Capture::kNone) {
        text_.clear();
        text_too_long_ = false;
      }
    }
  }

  void EndElement() {
    if (stopped_) return;
    if (depth_ == 3 && capture_ != Capture::kNone) {
      if (text_too_long_) {
        AddError(LineTag() + ": <" + (capture_ == Capture::kLoc ? "loc" : "lastmod") + "> longer than " +
                 std::to_string(kMaxText) + " bytes, skipped");
      } else if (capture_ == Capture::kLoc) {
        loc_ = std::string(text::Trim(text_));
        has_loc_ = true;
      } else {
        lastmod_ = std::string(text::Trim(text_));
      }
      capture_ = Capture::kNone;
      text_.clear();
    } else if (depth_ == 2 && in_entry_) {
      in_entry_ = false;
      if (!has_loc_ || loc_.empty()) {
        AddError(LineTag() + ": <" + (root_ == Root::kIndex ? "sitemap" : "url") + "> without <loc>");
      } else if (AtUrlLimit()) {
        Stop();
      } else if (root_ == Root::kIndex) {
        out_->sitemaps.push_back(std::move(loc_));
      } else {
        out_->urls.push_back(SitemapEntry{std::move(loc_), std::move(lastmod_)});
      }
    }
    --depth_;
  }

  void Text(std::string_view s) {
    if (capture_ == Capture::kNone || text_too_long_) return;
    if (text_.size() + s.size() > kMaxText) {
      text_too_long_ = true;
      text_.clear();
      return;
    }
    text_.append(s);
  }

  // True (and `truncated` set) when the entry about to be added is one too many.
  bool AtUrlLimit() {
    if (out_->urls.size() + out_->sitemaps.size() < limits_.max_urls) return false;
    out_->truncated = true;
    return true;
  }

  // --- Text sitemaps -------------------------------------------------------------------------

  void FeedText(std::string_view data) {
    for (char c : data) {
      if (done_) return;
      if (c == '\n' || c == '\r') {
        if (!(c == '\n' && after_cr_)) EndTextLine();
        after_cr_ = c == '\r';
        continue;
      }
      after_cr_ = false;
      if (line_.size() < kMaxText) line_.push_back(c);
      else line_too_long_ = true;
    }
  }

  void EndTextLine() {
    ++text_line_no_;
    const std::size_t line_no = text_line_no_ + skipped_lines_;
    const std::string_view line = text::Trim(line_);
    if (line_too_long_) {
      AddError("line " + std::to_string(line_no) + ": longer than " + std::to_string(kMaxText) + " bytes, skipped");
      ++text_non_urls_;
    } else if (line.empty()) {
      // blank lines are fine
    } else if (IsHttpUrl(line) && std::none_of(line.begin(), line.end(), IsSpace)) {
      if (AtUrlLimit()) done_ = true;
      else out_->urls.push_back(SitemapEntry{std::string(line), ""});
    } else {
      AddError("line " + std::to_string(line_no) + ": not an http(s) URL: \"" +
               text::Truncate(text::SanitizeUtf8(line), 60) + "\"");
      ++text_non_urls_;
    }
    line_.clear();
    line_too_long_ = false;
  }

  const SitemapLimits& limits_;
  Sitemap* out_;
  Mode mode_ = Mode::kStart;
  bool done_ = false;
  std::size_t decoded_ = 0;
  std::size_t dropped_errors_ = 0;
  std::size_t skipped_lines_ = 0;  // newlines in the leading whitespace we did not pass on
  std::string bom_pending_;
  bool bom_done_ = false;

  XML_Parser parser_ = nullptr;
  bool stopped_ = false;
  std::size_t depth_ = 0;
  Root root_ = Root::kUnknown;
  bool in_entry_ = false;
  Capture capture_ = Capture::kNone;
  std::string text_;
  bool text_too_long_ = false;
  std::string loc_;
  std::string lastmod_;
  bool has_loc_ = false;

  std::string line_;
  bool line_too_long_ = false;
  bool after_cr_ = false;
  std::size_t text_line_no_ = 0;
  std::size_t text_non_urls_ = 0;
};

// Inflates gzip `bytes` (possibly several concatenated members) into `reader`, piece by piece.
void Inflate(std::string_view bytes, Reader& reader) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    reader.AddError("cannot initialise zlib");
    reader.Abandon();
    return;
  }
  const auto zlib_message = [&zs] { return std::string(zs.msg != nullptr ? zs.msg : "unknown error"); };
  auto out = std::make_unique<unsigned char[]>(kChunk);
  std::size_t fed = 0;  // input bytes handed to zlib so far
  bool ok = true;
  bool finished = false;
  while (ok && !finished) {
    if (zs.avail_in == 0 && fed < bytes.size()) {
      const std::size_t n = std::min<std::size_t>(bytes.size() - fed, 1u << 30);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + fed));
      zs.avail_in = static_cast<uInt>(n);
      fed += n;
    }
    zs.next_out = out.get();
    zs.avail_out = static_cast<uInt>(kChunk);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    const std::size_t produced = kChunk - zs.avail_out;
    if (produced > 0 && !reader.Feed(std::string_view(reinterpret_cast<const char*>(out.get()), produced))) {
      inflateEnd(&zs);
      return;  // a limit was reached or the document cannot be read further
    }
    if (rc == Z_STREAM_END) {
      // Another gzip member may follow (concatenated gzip is valid); anything else is ignored.
      const auto next = static_cast<std::size_t>(reinterpret_cast<const char*>(zs.next_in) - bytes.data());
      if (next + 1 < bytes.size() && static_cast<unsigned char>(bytes[next]) == 0x1f &&
          static_cast<unsigned char>(bytes[next + 1]) == 0x8b) {
        ok = inflateReset(&zs) == Z_OK;
      } else {
        finished = true;
      }
    } else if (rc == Z_BUF_ERROR && zs.avail_in == 0 && fed == bytes.size()) {
      reader.AddError("gzip data ends early, after " + std::to_string(reader.decoded()) + " decoded bytes");
      ok = false;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      if (reader.decoded() == 0) reader.AddError("not gzip data (zlib: " + zlib_message() + ")");
      else reader.AddError("gzip data is corrupt after " + std::to_string(reader.decoded()) +
                           " decoded bytes (zlib: " + zlib_message() + ")");
      ok = false;
    }
  }
  inflateEnd(&zs);
  if (ok) reader.Finish();
  else reader.Abandon();
}

}  // namespace

Sitemap ParseSitemap(std::string_view bytes, const SitemapLimits& limits) {
  Sitemap out;
  Reader reader(limits, &out);
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f && static_cast<unsigned char>(bytes[1]) == 0x8b) {
    Inflate(bytes, reader);
  } else {
    bool more = true;
    for (std::size_t pos = 0; more && pos < bytes.size(); pos += kChunk) more = reader.Feed(bytes.substr(pos, kChunk));
    if (more) reader.Finish();
  }
  reader.Close();
  return out;
}

}  // namespace mmaudit::fetch
