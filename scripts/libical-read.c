/* Times libical, the C reference library, reading the same calendar as `tasksync-bench ics`:
 * parse the whole file, then read each VTODO's mapped properties. For comparison only.
 *
 *   apt-get install libical-dev
 *   cc -O2 -o /tmp/libical-read scripts/libical-read.c -lical
 *   TASKSYNC_BENCH_ICS_FILE=/tmp/bench.ics TASKSYNC_BENCH_ONLY=read scripts/bench.sh ics 100000
 *   /tmp/libical-read /tmp/bench.ics
 */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE.ics\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc(size + 1);
  if (!text || fread(text, 1, size, f) != (size_t)size) {
    fprintf(stderr, "%s: cannot read\n", argv[1]);
    return 1;
  }
  text[size] = 0;
  fclose(f);

  double start = now();
  icalcomponent *calendar = icalparser_parse_string(text);
  long todos = 0, filled = 0;
  for (icalcomponent *c = icalcomponent_get_first_component(calendar, ICAL_VTODO_COMPONENT); c;
       c = icalcomponent_get_next_component(calendar, ICAL_VTODO_COMPONENT)) {
    todos++;
    if (icalcomponent_get_uid(c)) filled++;
    if (icalcomponent_get_summary(c)) filled++;
    if (icalcomponent_get_description(c)) filled++;
    struct icaltimetype due = icalcomponent_get_due(c);
    if (!icaltime_is_null_time(due)) filled++;
    if (icalcomponent_get_status(c) != ICAL_STATUS_NONE) filled++;
    icalproperty *p = icalcomponent_get_first_property(c, ICAL_PRIORITY_PROPERTY);
    if (p && icalproperty_get_priority(p) >= 0) filled++;
    p = icalcomponent_get_first_property(c, ICAL_CLASS_PROPERTY);
    if (p && icalproperty_get_class(p) != ICAL_CLASS_NONE) filled++;
    p = icalcomponent_get_first_property(c, ICAL_LASTMODIFIED_PROPERTY);
    if (p) filled++;
  }
  double seconds = now() - start;
  printf("libical read: %ld VTODOs (%ld values) from %.1f MB in %.3f s: %.0f MB/s, %.0f tasks/s\n", todos, filled,
         size / 1e6, seconds, size / 1e6 / seconds, todos / seconds);
  icalcomponent_free(calendar);
  free(text);
  return 0;
}
