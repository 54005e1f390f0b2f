#include "facts/charset.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/text.h"
#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kFixtures[] = "fixtures/pages/charsets/";

Decoded DecodeFixture(const std::string& name, std::string_view content_type = "") {
  const std::string bytes = mmaudit::testing::ReadFixture(kFixtures + name);
  EXPECT_FALSE(bytes.empty()) << name;
  return DecodeToUtf8(bytes, content_type);
}

void ExpectCleanUtf8(const Decoded& d) {
  EXPECT_TRUE(text::IsValidUtf8(d.utf8));
  EXPECT_EQ(d.utf8.find('\0'), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Labels

TEST(CharsetLabels, MapEveryWhatwgLabelWeRelyOnToItsCanonicalName) {
  // clang-format off
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"utf-8", "utf-8"}, {"utf8", "utf-8"}, {"unicode-1-1-utf-8", "utf-8"},
      {"x-unicode20utf8", "utf-8"},
      {"utf-16", "utf-16le"}, {"utf-16le", "utf-16le"}, {"ucs-2", "utf-16le"},
      {"unicode", "utf-16le"}, {"utf-16be", "utf-16be"}, {"unicodefffe", "utf-16be"},
      {"windows-1250", "windows-1250"}, {"cp1250", "windows-1250"}, {"x-cp1250", "windows-1250"},
      {"windows-1251", "windows-1251"}, {"cp1251", "windows-1251"}, {"x-cp1251", "windows-1251"},
      {"windows-1252", "windows-1252"}, {"cp1252", "windows-1252"}, {"x-cp1252", "windows-1252"},
      {"iso-8859-1", "windows-1252"}, {"latin1", "windows-1252"}, {"l1", "windows-1252"},
      {"ascii", "windows-1252"}, {"us-ascii", "windows-1252"}, {"iso_8859-1", "windows-1252"},
      {"windows-1253", "windows-1253"}, {"cp1253", "windows-1253"},
      {"windows-1254", "windows-1254"}, {"iso-8859-9", "windows-1254"}, {"latin5", "windows-1254"},
      {"windows-1255", "windows-1255"}, {"windows-1256", "windows-1256"},
      {"windows-1257", "windows-1257"}, {"cp1257", "windows-1257"},
      {"windows-1258", "windows-1258"}, {"x-cp1258", "windows-1258"},
      {"iso-8859-2", "iso-8859-2"}, {"latin2", "iso-8859-2"}, {"l2", "iso-8859-2"},
      {"iso_8859-2", "iso-8859-2"}, {"csisolatin2", "iso-8859-2"}, {"iso8859-2", "iso-8859-2"},
      {"iso-8859-5", "iso-8859-5"}, {"cyrillic", "iso-8859-5"},
      {"iso-8859-15", "iso-8859-15"}, {"l9", "iso-8859-15"}, {"csisolatin9", "iso-8859-15"},
      {"koi8-r", "koi8-r"}, {"koi8", "koi8-r"}, {"koi", "koi8-r"}, {"cskoi8r", "koi8-r"},
      {"koi8_r", "koi8-r"}, {"koi8-u", "koi8-u"}, {"koi8-ru", "koi8-u"},
      {"ibm866", "ibm866"}, {"cp866", "ibm866"}, {"866", "ibm866"},
      {"shift_jis", "shift_jis"}, {"sjis", "shift_jis"}, {"ms_kanji", "shift_jis"},
      {"windows-31j", "shift_jis"}, {"x-sjis", "shift_jis"}, {"csshiftjis", "shift_jis"},
      {"euc-jp", "euc-jp"}, {"x-euc-jp", "euc-jp"}, {"iso-2022-jp", "iso-2022-jp"},
      {"gbk", "gbk"}, {"gb2312", "gbk"}, {"x-gbk", "gbk"}, {"chinese", "gbk"},
      {"gb18030", "gb18030"}, {"big5", "big5"}, {"big5-hkscs", "big5"},
      {"euc-kr", "euc-kr"}, {"ks_c_5601-1987", "euc-kr"}, {"windows-949", "euc-kr"},
      {"windows-874", "windows-874"}, {"tis-620", "windows-874"},
      {"x-mac-cyrillic", "x-mac-cyrillic"}, {"x-mac-ukrainian", "x-mac-cyrillic"},
      {"macintosh", "macintosh"}, {"x-user-defined", "x-user-defined"},
      {"iso-2022-kr", "replacement"},
  };
  // clang-format on
  for (const auto& [label, name] : cases) {
    EXPECT_EQ(CanonicalCharset(label), name) << label;
  }
}

TEST(CharsetLabels, IgnoreCaseAndSurroundingWhitespace) {
  EXPECT_EQ(CanonicalCharset("  Windows-1251\t"), "windows-1251");
  EXPECT_EQ(CanonicalCharset("UTF-8"), "utf-8");
  EXPECT_EQ(CanonicalCharset("Shift_JIS"), "shift_jis");
  EXPECT_EQ(CanonicalCharset("\nLATIN2 "), "iso-8859-2");
}

TEST(CharsetLabels, AreEmptyWhenUnknown) {
  EXPECT_EQ(CanonicalCharset(""), "");
  EXPECT_EQ(CanonicalCharset("   "), "");
  EXPECT_EQ(CanonicalCharset("utf-7"), "");
  EXPECT_EQ(CanonicalCharset("koi8r"), "");
  EXPECT_EQ(CanonicalCharset("windows-1251x"), "");
  EXPECT_EQ(CanonicalCharset("utf 8"), "");
}

// ---------------------------------------------------------------------------------------------
// Real pages in legacy encodings

TEST(CharsetDecoding, ReadsARussianProductPageInWindows1251DeclaredByMetaCharset) {
  const Decoded d = DecodeFixture("ru-windows-1251-meta.html");
  EXPECT_EQ(d.charset, "windows-1251");
  EXPECT_EQ(d.source, "meta");
  EXPECT_EQ(d.declared_meta, "windows-1251");
  EXPECT_EQ(d.declared_http, "");
  EXPECT_THAT(d.utf8, HasSubstr("<h1>Кроссовки беговые «Марафон»</h1>"));
  EXPECT_THAT(d.utf8, HasSubstr("Лёгкие и прочные. Ёмкость склада: 12 пар."));
  EXPECT_THAT(d.utf8, HasSubstr("Доставка по Москве — бесплатно."));
  EXPECT_FALSE(d.declared_wrong);
  EXPECT_EQ(d.mismatch, "");
  EXPECT_EQ(d.replaced, 0u);
  EXPECT_EQ(d.error, "");
  ExpectCleanUtf8(d);
}

TEST(CharsetDecoding, ReadsARussianKoi8rPageDeclaredOnlyByTheHttpHeader) {
  const Decoded d = DecodeFixture("ru-koi8-r-http-only.html", "text/html; charset=KOI8-R");
  EXPECT_EQ(d.charset, "koi8-r");
  EXPECT_EQ(d.source, "http");
  EXPECT_EQ(d.declared_http, "koi8-r");
  EXPECT_EQ(d.declared_meta, "");
  EXPECT_THAT(d.utf8, HasSubstr("<h1>Ваша корзина</h1>"));
  EXPECT_THAT(d.utf8, HasSubstr("Кроссовки беговые, размер 42: 1 шт."));
  EXPECT_THAT(d.utf8, HasSubstr("Итого: 4 990 руб. Оформить заказ?"));
  EXPECT_FALSE(d.declared_wrong);
  EXPECT_EQ(d.replaced, 0u);
  ExpectCleanUtf8(d);
}

TEST(CharsetDecoding, WithoutTheHeaderTheKoi8rPageFallsBackToWindows1252) {
  const Decoded d = DecodeFixture("ru-koi8-r-http-only.html");
  EXPECT_EQ(d.charset, "windows-1252");
  EXPECT_EQ(d.source, "fallback");
  EXPECT_THAT(d.utf8, Not(HasSubstr("корзина")));
  ExpectCleanUtf8(d);
}

TEST(CharsetDecoding, ReadsAPolishIso88592PageWhoseHttpEquivAttributesComeInAnyOrder) {
  const Decoded d = DecodeFixture("pl-iso-8859-2.html");
  EXPECT_EQ(d.charset, "iso-8859-2");
  EXPECT_EQ(d.source, "meta");
  // The commented-out <meta charset="utf-8"> before it does not count.
  EXPECT_EQ(d.declared_meta, "iso-8859-2");
  EXPECT_THAT(d.utf8, HasSubstr("<h1>Złóż zamówienie</h1>"));
  EXPECT_THAT(d.utf8, HasSubstr("Małe litery: ą ę ł ó ś ż ź ć ń"));
  EXPECT_THAT(d.utf8, HasSubstr("Wielkie litery: Ą Ę Ł Ó Ś Ż Ź Ć Ń"));
  EXPECT_THAT(d.utf8, HasSubstr("Zażółć gęślą jaźń."));
  EXPECT_FALSE(d.declared_wrong);
  EXPECT_EQ(d.replaced, 0u);
  ExpectCleanUtf8(d);
}

TEST(CharsetDecoding, ReadsAPolishWindows1250PageWithAnUnquotedUpperCaseMetaCharset) {
  const Decoded d = DecodeFixture("pl-windows-1250.html");
  EXPECT_EQ(d.charset, "windows-1250");
  EXPECT_EQ(d.source, "meta");
  EXPECT_EQ(d.declared_meta, "windows-1250");
  EXPECT_THAT(d.utf8, HasSubstr("<h1>Buty do biegania „Szybki Żbik”</h1>"));
  EXPECT_THAT(d.utf8, HasSubstr("Cena: 349,00 zł — dostawa gratis od 200 zł."));
  EXPECT_THAT(d.utf8, HasSubstr("Świetne na długie dystanse. Śliczne, lekkie, wygodne."));
  EXPECT_FALSE(d.declared_wrong);
  EXPECT_EQ(d.replaced, 0u);
  ExpectCleanUtf8(d);
}

TEST(CharsetDecoding, ReadsAJapaneseShiftJisPageTheWayWindows31jDoes) {
  const Decoded d = DecodeFixture("ja-shift-jis.html");
  EXPECT_EQ(d.charset, "shift_jis");
  EXPECT_EQ(d.source, "meta");
  EXPECT_EQ(d.declared_meta, "shift_jis");
  EXPECT_THAT(d.utf8, HasSubstr("<h1>ランニングシューズ</h1>"));
  EXPECT_THAT(d.utf8, HasSubstr("<title>ランニングシューズ｜ショップ</title>"));
  EXPECT_THAT(d.utf8, HasSubstr("価格：￥12,800（税込）"));
  // ① ② ③ are NEC extensions: plain JIS Shift_JIS cannot decode them, Windows-31J can.
  EXPECT_THAT(d.utf8, HasSubstr("①軽量 ②クッション性 ③通気性"));
  EXPECT_THAT(d.utf8, HasSubstr("カートに入れる"));
  EXPECT_FALSE(d.declared_wrong);
  EXPECT_EQ(d.replaced, 0u);
  ExpectCleanUtf8(d);
}

TEST(CharsetDecoding, ReadsUtf16LeAfterItsByteOrderMarkAndDropsTheMark) {
  const Decoded d = DecodeFixture("utf-16le-bom.html", "text/html");
  EXPECT_EQ(d.charset, "utf-16le");
  EXPECT_EQ(d.source, "bom");
  EXPECT_TRUE(text::StartsWith(d.utf8, "<!DOCTYPE html>"));
  EXPECT_THAT(d.utf8, HasSubstr("<h1>Кроссовки беговые</h1>"));
  EXPECT_THAT(d.utf8, HasSubstr("Złóż zamówienie · ランニングシューズ · €"));
  EXPECT_FALSE(d.declared_wrong);
  EXPECT_EQ(d.replaced, 0u);
  ExpectCleanUtf8(d);
}

TEST(CharsetDecoding, ReadsUtf16BeAfterItsByteOrderMark) {
  // "Zł€" in UTF-16BE with a BOM.
  const Decoded d = DecodeToUtf8(std::string("\xFE\xFF\x00Z\x01\x42\x20\xAC", 8), "");
  EXPECT_EQ(d.charset, "utf-16be");
  EXPECT_EQ(d.source, "bom");
  EXPECT_EQ(d.utf8, "Zł€");
  EXPECT_EQ(d.replaced, 0u);
}

TEST(CharsetDecoding, DropsAUtf8ByteOrderMark) {
  const Decoded d = DecodeFixture("utf-8-bom.html");
  EXPECT_EQ(d.charset, "utf-8");
  EXPECT_EQ(d.source, "bom");
  EXPECT_EQ(d.declared_meta, "utf-8");
  EXPECT_TRUE(text::StartsWith(d.utf8, "<!DOCTYPE html>"));
  EXPECT_THAT(d.utf8, HasSubstr("<h1>Złóż zamówienie</h1>"));
  EXPECT_THAT(d.utf8, HasSubstr("Кроссовки беговые — 4 990 ₽"));
  EXPECT_FALSE(d.declared_wrong);
  EXPECT_EQ(d.replaced, 0u);
  ExpectCleanUtf8(d);
}

TEST(CharsetDecoding, ReadsAnUndeclaredPageThatIsNotUtf8AsWindows1252) {
  const Decoded d = DecodeFixture("no-declaration-windows-1252.html");
  EXPECT_EQ(d.charset, "windows-1252");
  EXPECT_EQ(d.source, "fallback");
  EXPECT_EQ(d.declared_http, "");
  EXPECT_EQ(d.declared_meta, "");
  EXPECT_THAT(d.utf8, HasSubstr("<h1>Café des Coureurs</h1>"));
  EXPECT_THAT(d.utf8, HasSubstr("Chaussures de course : 89,90 € — livraison offerte."));
  EXPECT_THAT(d.utf8, HasSubstr("Crème « naturelle », déjà prête."));
  EXPECT_FALSE(d.declared_wrong);
  EXPECT_EQ(d.replaced, 0u);
  EXPECT_EQ(d.error, "");
  ExpectCleanUtf8(d);
}

TEST(CharsetDecoding, TakesAnUndeclaredPageThatIsValidUtf8AsUtf8) {
  const Decoded d = DecodeToUtf8("<p>Złóż zamówienie</p>", "text/html");
  EXPECT_EQ(d.charset, "utf-8");
  EXPECT_EQ(d.source, "utf-8");
  EXPECT_EQ(d.utf8, "<p>Złóż zamówienie</p>");
  EXPECT_FALSE(d.declared_wrong);
}

TEST(CharsetDecoding, DropsNulBytesWithoutCountingThemAsReplacements) {
  const Decoded utf8 = DecodeToUtf8(std::string("a\0b\0c", 5), "");
  EXPECT_EQ(utf8.utf8, "abc");
  EXPECT_EQ(utf8.replaced, 0u);
  const Decoded legacy = DecodeToUtf8(std::string("\xCA\0\xC1", 3), "text/html; charset=cp1251");
  EXPECT_EQ(legacy.utf8, "КБ");
  EXPECT_EQ(legacy.replaced, 0u);
}

TEST(CharsetDecoding, ReadsTheFullStatefulIso2022JpEscapeSequences) {
  // ESC $ B switches to JIS X 0208 ("ア"), ESC ( B back to ASCII, ESC ( I is half-width katakana.
  const Decoded d =
      DecodeToUtf8("\x1b$B%\"\x1b(B a \x1b(I1\x1b(B", "text/html; charset=iso-2022-jp");
  EXPECT_EQ(d.charset, "iso-2022-jp");
  EXPECT_EQ(d.utf8, "ア a ｱ");
  EXPECT_EQ(d.replaced, 0u);
}

// ---------------------------------------------------------------------------------------------
// Declarations that do not fit the bytes

TEST(CharsetMismatch, AUtf8PageMislabelledWindows1251IsDecodedAsUtf8AndReported) {
  const Decoded d = DecodeFixture("utf-8-labelled-windows-1251.html");
  EXPECT_EQ(d.charset, "utf-8");
  EXPECT_EQ(d.source, "utf-8");
  EXPECT_EQ(d.declared_meta, "windows-1251");
  EXPECT_THAT(d.utf8, HasSubstr("<h1>Кроссовки беговые</h1>"));
  EXPECT_THAT(d.utf8, HasSubstr("Цена: 4 990 ₽"));
  EXPECT_TRUE(d.declared_wrong);
  EXPECT_EQ(d.mismatch, "<meta> declares windows-1251 but the bytes are UTF-8; decoded as UTF-8");
  EXPECT_EQ(d.replaced, 0u);
  ExpectCleanUtf8(d);
}

TEST(CharsetMismatch, AUtf8PageMislabelledLatin1ByTheHeaderIsDecodedAsUtf8AndReported) {
  const Decoded d = DecodeToUtf8("<p>Złóż zamówienie</p>", "text/html; charset=ISO-8859-1");
  EXPECT_EQ(d.charset, "utf-8");
  EXPECT_EQ(d.utf8, "<p>Złóż zamówienie</p>");
  EXPECT_TRUE(d.declared_wrong);
  EXPECT_EQ(
      d.mismatch,
      "the Content-Type header declares iso-8859-1 but the bytes are UTF-8; decoded as UTF-8");
}

TEST(CharsetMismatch, AWindows1251PageMislabelledUtf8CountsItsReplacements) {
  const Decoded d = DecodeFixture("windows-1251-labelled-utf-8.html");
  EXPECT_EQ(d.charset, "utf-8");
  EXPECT_EQ(d.source, "meta");
  EXPECT_EQ(d.declared_meta, "utf-8");
  // Each of the 9 bytes of "Кроссовки" is invalid UTF-8 and becomes one U+FFFD.
  EXPECT_EQ(d.replaced, 9u);
  EXPECT_THAT(
      d.utf8,
      HasSubstr("<h1>Product: \uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD</h1>"));
  EXPECT_THAT(d.utf8, HasSubstr("<p>Price: 4990</p>"));
  EXPECT_TRUE(d.declared_wrong);
  EXPECT_EQ(d.mismatch,
            "<meta> declares utf-8 but 9 bytes are not valid UTF-8 (replaced with U+FFFD)");
  ExpectCleanUtf8(d);
}

TEST(CharsetMismatch, TheHeaderWinsOverADisagreeingMetaAndTheDisagreementIsReported) {
  const Decoded d = DecodeFixture("header-meta-disagree-koi8-r.html", "text/html; charset=koi8-r");
  EXPECT_EQ(d.charset, "koi8-r");
  EXPECT_EQ(d.source, "http");
  EXPECT_EQ(d.declared_http, "koi8-r");
  EXPECT_EQ(d.declared_meta, "windows-1251");
  EXPECT_THAT(d.utf8, HasSubstr("<h1>Доставка и оплата</h1>"));
  EXPECT_THAT(d.utf8, HasSubstr("Курьером по Санкт-Петербургу: 300 руб."));
  EXPECT_TRUE(d.declared_wrong);
  EXPECT_EQ(d.mismatch,
            "the Content-Type header declares koi8-r but <meta> declares windows-1251; the header "
            "wins");
  EXPECT_EQ(d.replaced, 0u);
  ExpectCleanUtf8(d);
}

TEST(CharsetMismatch, LabelsNamingTheSameEncodingDoNotDisagree) {
  const Decoded d =
      DecodeToUtf8("<meta charset=iso-8859-1><p>caf\xE9</p>", "text/html; charset=latin1");
  EXPECT_EQ(d.charset, "windows-1252");
  EXPECT_THAT(d.utf8, HasSubstr("café"));
  EXPECT_FALSE(d.declared_wrong);
  EXPECT_EQ(d.mismatch, "");
}

TEST(CharsetMismatch, APureAsciiPageDeclaredInALegacyCharsetIsFine) {
  const Decoded meta = DecodeToUtf8("<meta charset=windows-1251><p>Price: 10</p>", "");
  EXPECT_EQ(meta.charset, "windows-1251");
  EXPECT_EQ(meta.source, "meta");
  EXPECT_FALSE(meta.declared_wrong);
  const Decoded http = DecodeToUtf8("<p>Price: 10</p>", "text/html; charset=shift_jis");
  EXPECT_EQ(http.charset, "shift_jis");
  EXPECT_FALSE(http.declared_wrong);
}

TEST(CharsetMismatch, AByteOrderMarkWinsOverAConflictingHeaderAndTheConflictIsReported) {
  const Decoded d = DecodeFixture("utf-8-bom.html", "text/html; charset=windows-1251");
  EXPECT_EQ(d.charset, "utf-8");
  EXPECT_EQ(d.source, "bom");
  EXPECT_THAT(d.utf8, HasSubstr("Кроссовки беговые — 4 990 ₽"));
  EXPECT_TRUE(d.declared_wrong);
  EXPECT_THAT(d.mismatch, HasSubstr("the Content-Type header declares windows-1251 but the page "
                                    "starts with a utf-8 byte order mark, which wins"));
}

TEST(CharsetMismatch, Utf8MislabelledShiftJisIsDecodedAsUtf8EvenThoughItWouldMakeMojibake) {
  const Decoded d = DecodeToUtf8("<p>ランニングシューズ</p>", "text/html; charset=Shift_JIS");
  EXPECT_EQ(d.charset, "utf-8");
  EXPECT_EQ(d.utf8, "<p>ランニングシューズ</p>");
  EXPECT_EQ(d.replaced, 0u);
  EXPECT_TRUE(d.declared_wrong);
  EXPECT_EQ(d.mismatch,
            "the Content-Type header declares shift_jis but the bytes are UTF-8; "
            "decoded as UTF-8");
}

TEST(CharsetMismatch, Utf8MislabelledGbkIsDecodedAsUtf8WhenGbkCannotReadIt) {
  // "€" is E2 82 AC: GBK reads E2 82 as one character, then AC cannot lead before "<".
  const Decoded d = DecodeToUtf8("<p>€</p>", "text/html; charset=gb2312");
  EXPECT_EQ(d.charset, "utf-8");
  EXPECT_EQ(d.utf8, "<p>€</p>");
  EXPECT_TRUE(d.declared_wrong);
}

TEST(CharsetMismatch, AFewCharactersThatReadAsBothUtf8AndShiftJisStayShiftJis) {
  // "\xE3\x83\xA9" is "ラ" in UTF-8 and "繝ｩ" in Shift_JIS: too little to overrule the header.
  const Decoded d = DecodeToUtf8("<p>\xE3\x83\xA9</p>", "text/html; charset=shift_jis");
  EXPECT_EQ(d.charset, "shift_jis");
  EXPECT_EQ(d.utf8, "<p>繝ｩ</p>");
  EXPECT_FALSE(d.declared_wrong);
}

TEST(CharsetMismatch, AUtf16HeaderOnABodyWithoutNulBytesIsTakenAsUtf8) {
  const Decoded d = DecodeToUtf8("<p>Кроссовки</p>", "text/html; charset=utf-16");
  EXPECT_EQ(d.charset, "utf-8");
  EXPECT_EQ(d.utf8, "<p>Кроссовки</p>");
  EXPECT_TRUE(d.declared_wrong);
  EXPECT_THAT(d.mismatch, HasSubstr("declares utf-16 but the bytes are UTF-8"));
}

TEST(CharsetMismatch, AUtf16HeaderWithoutAByteOrderMarkIsHonouredForRealUtf16) {
  const Decoded d =
      DecodeToUtf8(std::string("<\0p\0>\0\x1a\x04", 8), "text/html; charset=utf-16le");
  EXPECT_EQ(d.charset, "utf-16le");
  EXPECT_EQ(d.source, "http");
  EXPECT_EQ(d.utf8, "<p>К");
  EXPECT_FALSE(d.declared_wrong);
}

// ---------------------------------------------------------------------------------------------
// The Content-Type header

TEST(CharsetHttp, ReadsQuotedUpperCaseAndOddlySpacedCharsetParameters) {
  const std::string koi8 = "\xEB\xCF\xD2\xDA\xC9\xCE\xC1";  // "Корзина"
  for (const char* ct :
       {"text/html;charset=\"KOI8-R\"", "text/html ; Charset = koi8-r ",
        "text/html; foo=\"a;b\"; charset=koi8-r; charset=utf-8", "TEXT/HTML; CHARSET=cskoi8r"}) {
    const Decoded d = DecodeToUtf8(koi8, ct);
    EXPECT_EQ(d.charset, "koi8-r") << ct;
    EXPECT_EQ(d.source, "http") << ct;
    EXPECT_EQ(d.utf8, "Корзина") << ct;
  }
}

TEST(CharsetHttp, AContentTypeWithoutCharsetDeclaresNothing) {
  const Decoded d = DecodeToUtf8("<meta charset=cp1251>\xCA", "text/html; boundary=x");
  EXPECT_EQ(d.declared_http, "");
  EXPECT_EQ(d.source, "meta");
  EXPECT_THAT(d.utf8, HasSubstr("К"));
}

TEST(CharsetHttp, AnUnknownHeaderLabelIsAnErrorAndTheMetaDecides) {
  const Decoded d = DecodeToUtf8("<meta charset=cp1251>\xCA", "text/html; charset=klingon");
  EXPECT_EQ(d.declared_http, "klingon");
  EXPECT_EQ(d.source, "meta");
  EXPECT_EQ(d.charset, "windows-1251");
  EXPECT_THAT(d.error, HasSubstr("unknown charset \"klingon\" in the Content-Type header"));
  EXPECT_FALSE(d.declared_wrong);
}

TEST(CharsetHttp, AReplacementLabelIsIgnored) {
  const Decoded d = DecodeToUtf8("<p>plain</p>", "text/html; charset=iso-2022-kr");
  EXPECT_EQ(d.source, "utf-8");
  EXPECT_EQ(d.utf8, "<p>plain</p>");
  EXPECT_THAT(d.error, HasSubstr("iso-2022-kr"));
}

// ---------------------------------------------------------------------------------------------
// The <meta> prescan

TEST(CharsetPrescan, FindsMetaCharsetWhateverTheQuotingCaseAndSpacing) {
  for (const char* head :
       {"<meta charset=\"koi8-r\">", "<meta charset='KOI8-R'>", "<meta charset=koi8-r>",
        "<META CharSet = koi8-r >", "<meta name=x charset=koi8-r />",
        "<meta\ncharset=\"koi8-r\" />", "<meta/charset=koi8-r>"}) {
    const Decoded d = DecodeToUtf8(std::string(head) + "\xEB\xCF\xD2\xDA\xC9\xCE\xC1", "");
    EXPECT_EQ(d.source, "meta") << head;
    EXPECT_EQ(d.charset, "koi8-r") << head;
    EXPECT_EQ(d.declared_meta, "koi8-r") << head;
    EXPECT_THAT(d.utf8, HasSubstr("Корзина")) << head;
  }
}

TEST(CharsetPrescan, ReadsHttpEquivContentTypeWithItsAttributesInEitherOrder) {
  for (const char* head :
       {"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1250\">",
        "<meta content=\"text/html;charset=windows-1250\" http-equiv=\"content-type\">",
        "<meta http-equiv=content-type content='text/html; charset = \"windows-1250\"'>"}) {
    const Decoded d = DecodeToUtf8(std::string(head) + "Z\xB3\xF3\xBF", "");
    EXPECT_EQ(d.source, "meta") << head;
    EXPECT_EQ(d.charset, "windows-1250") << head;
    EXPECT_EQ(d.utf8.substr(d.utf8.size() - 7), "Złóż") << head;
  }
}

TEST(CharsetPrescan, IgnoresAContentCharsetWithoutHttpEquiv) {
  const Decoded d = DecodeToUtf8("<meta content=\"text/html; charset=koi8-r\"><p>\xE9</p>", "");
  EXPECT_EQ(d.declared_meta, "");
  EXPECT_EQ(d.source, "fallback");
}

TEST(CharsetPrescan, IgnoresMetaInsideCommentsAndInsideOtherAttributes) {
  const Decoded comment =
      DecodeToUtf8("<!-- <meta charset=koi8-r> --><meta charset=cp1251><p>\xCA</p>", "");
  EXPECT_EQ(comment.declared_meta, "cp1251");
  EXPECT_EQ(comment.charset, "windows-1251");
  const Decoded attribute =
      DecodeToUtf8("<img alt=\"<meta charset=koi8-r>\"><meta charset=cp1251><p>\xCA</p>", "");
  EXPECT_EQ(attribute.declared_meta, "cp1251");
  const Decoded only_in_comment = DecodeToUtf8("<!--<meta charset=koi8-r>--><p>\xCA</p>", "");
  EXPECT_EQ(only_in_comment.declared_meta, "");
  EXPECT_EQ(only_in_comment.source, "fallback");
}

TEST(CharsetPrescan, UsesTheFirstUsableMetaAndReportsAnUnknownLabel) {
  const Decoded d = DecodeToUtf8("<meta charset=klingon><meta charset=cp1251><p>\xCA</p>", "");
  EXPECT_EQ(d.declared_meta, "cp1251");
  EXPECT_EQ(d.charset, "windows-1251");
  EXPECT_EQ(d.error, "");
  const Decoded unknown = DecodeToUtf8("<meta charset=klingon><p>ż</p>", "");
  EXPECT_EQ(unknown.declared_meta, "klingon");
  EXPECT_THAT(unknown.error, HasSubstr("unknown charset \"klingon\" in <meta>"));
  EXPECT_EQ(unknown.source, "utf-8");
  EXPECT_EQ(unknown.utf8, "<meta charset=klingon><p>ż</p>");
}

TEST(CharsetPrescan, LooksNoFurtherThanTheFirst1024Bytes) {
  const std::string meta = "<meta charset=cp1251>";  // 21 bytes
  const std::string padding = "<!doctype html>" + std::string(988, ' ');
  ASSERT_EQ(padding.size() + meta.size(), 1024u);
  const Decoded inside = DecodeToUtf8(padding + meta + "\xCA", "");
  EXPECT_EQ(inside.source, "meta");
  EXPECT_EQ(inside.utf8.substr(inside.utf8.size() - 2), "К");
  const Decoded straddling = DecodeToUtf8(padding + " " + meta + "\xCA", "");
  EXPECT_EQ(straddling.declared_meta, "");
  EXPECT_EQ(straddling.source, "fallback");
  const Decoded beyond = DecodeToUtf8(padding + std::string(100, ' ') + meta + "\xCA", "");
  EXPECT_EQ(beyond.declared_meta, "");
  EXPECT_EQ(beyond.source, "fallback");
  EXPECT_EQ(beyond.charset, "windows-1252");
}

TEST(CharsetPrescan, TakesAUtf16MetaAsUtf8) {
  const Decoded d = DecodeToUtf8("<meta charset=utf-16><p>ż</p>", "");
  EXPECT_EQ(d.declared_meta, "utf-16");
  EXPECT_EQ(d.source, "meta");
  EXPECT_EQ(d.charset, "utf-8");
  EXPECT_EQ(d.utf8, "<meta charset=utf-16><p>ż</p>");
  EXPECT_FALSE(d.declared_wrong);
}

TEST(CharsetPrescan, TakesXUserDefinedAsWindows1252) {
  const Decoded d = DecodeToUtf8("<meta charset=x-user-defined><p>\x80</p>", "");
  EXPECT_EQ(d.charset, "windows-1252");
  EXPECT_EQ(d.utf8, "<meta charset=x-user-defined><p>€</p>");
  const Decoded http = DecodeToUtf8("<p>\x80</p>", "text/html; charset=x-user-defined");
  EXPECT_EQ(http.charset, "windows-1252");
  EXPECT_EQ(http.utf8, "<p>€</p>");
}

// ---------------------------------------------------------------------------------------------
// Hostile bytes

TEST(CharsetRobustness, ATruncatedMultibyteSequenceAtTheEndBecomesOneReplacement) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"shift_jis", "ab\x83"},       {"gbk", "ab\x81"},
      {"gb18030", "ab\x81\x30\x81"}, {"big5", "ab\xA4"},
      {"euc-kr", "ab\xB0"},          {"euc-jp", "ab\xA4"},
      {"utf-8", "ab\xE2\x82"},       {"utf-16le", std::string("a\0b\0\x41", 5)},
  };
  for (const auto& [charset, bytes] : cases) {
    const Decoded d = DecodeToUtf8(bytes, "text/html; charset=" + charset);
    EXPECT_TRUE(text::StartsWith(d.utf8, "ab")) << charset;
    EXPECT_TRUE(text::EndsWith(d.utf8, "\uFFFD")) << charset;
    EXPECT_GE(d.replaced, 1u) << charset;
    ExpectCleanUtf8(d);
  }
}

TEST(CharsetRobustness, AnInvalidByteBecomesOneReplacementAndDecodingGoesOn) {
  const Decoded sjis =
      DecodeToUtf8(std::string("a\x80") + "b\x82\xA0", "text/html; charset=shift_jis");
  EXPECT_EQ(sjis.utf8, "a\uFFFDbあ");
  EXPECT_EQ(sjis.replaced, 1u);
  const Decoded cp1252 = DecodeToUtf8("caf\xE9 \x81", "");
  EXPECT_EQ(cp1252.charset, "windows-1252");
  EXPECT_EQ(cp1252.utf8, "café \uFFFD");  // 0x81 is unassigned in glibc's CP1252
  EXPECT_EQ(cp1252.replaced, 1u);
}

TEST(CharsetRobustness, AnEmptyPageDecodesToNothing) {
  const Decoded d = DecodeToUtf8("", "");
  EXPECT_EQ(d.utf8, "");
  EXPECT_EQ(d.charset, "utf-8");
  EXPECT_EQ(d.replaced, 0u);
  EXPECT_EQ(DecodeToUtf8("\xEF\xBB\xBF", "").utf8, "");
  EXPECT_EQ(DecodeToUtf8("\xFF\xFE", "").utf8, "");
  EXPECT_EQ(DecodeToUtf8("", "text/html; charset=iso-2022-jp").utf8, "");
}

TEST(CharsetRobustness, ArbitraryBytesInEveryEncodingGiveValidUtf8WithoutNulBytes) {
  // clang-format off
  const std::vector<std::string> charsets = {
      "", "utf-8", "utf-16le", "utf-16be", "windows-1250", "windows-1251", "windows-1252",
      "windows-1258", "iso-8859-2", "iso-8859-8-i", "koi8-r", "koi8-u", "ibm866", "macintosh",
      "x-mac-cyrillic", "windows-874", "shift_jis", "euc-jp", "iso-2022-jp", "gbk", "gb18030",
      "big5", "euc-kr", "x-user-defined",
  };
  // clang-format on
  std::uint32_t state = 12345;
  for (int round = 0; round < 40; ++round) {
    std::string bytes;
    const int size = round * 37 % 700;
    for (int i = 0; i < size; ++i) {
      state = state * 1103515245u + 12345u;
      bytes += static_cast<char>(state >> 24);
    }
    if (round % 3 == 0) bytes.insert(0, "\x1b$B");  // iso-2022-jp escapes
    for (const std::string& charset : charsets) {
      const std::string ct = charset.empty() ? "" : "text/html; charset=" + charset;
      const Decoded d = DecodeToUtf8(bytes, ct);
      EXPECT_TRUE(text::IsValidUtf8(d.utf8)) << charset << " round " << round;
      EXPECT_EQ(d.utf8.find('\0'), std::string::npos) << charset << " round " << round;
      EXPECT_FALSE(d.charset.empty()) << charset;
    }
  }
}

}  // namespace
}  // namespace mmaudit::facts
