#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/parserInternals.h>
