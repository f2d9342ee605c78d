// libxml2 for EWSXML. Debian's libxml2 is built with ICU, and its encoding.h then includes
// ICU's headers, whose UErrorCode clashes with the copy inside Foundation (_FoundationICU).
// tasksync never touches libxml2's encoding handlers (inputs must be UTF-8), so the ICU part
// of those headers is switched off here; no struct tasksync uses changes layout.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/parserInternals.h>

// xmlFree is a macro in threaded builds; Swift cannot call it.
static inline void tasksync_xmlFree(void *pointer) { xmlFree(pointer); }
