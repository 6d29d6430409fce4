#ifndef CHAN_CZLIB_SHIM_H
#define CHAN_CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2 is a macro; Swift cannot call macros, so wrap it. */
static inline int chan_inflate_init2(z_stream *stream, int window_bits) {
    return inflateInit2(stream, window_bits);
}
#endif
