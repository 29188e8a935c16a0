import type { ChatMessage, ContentPart, ImagePart } from './types';

/** A message's text: the string itself, or its text parts joined by newlines ('' for null). */
export function textOf(content: ChatMessage['content']): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  let out = '';
  for (const part of content) if (part.type === 'text') out += out ? `\n${part.text}` : part.text;
  return out;
}

/** The images of a message's content, in order. */
export function imagesOf(content: ChatMessage['content']): ImagePart[] {
  if (content === null || typeof content === 'string') return [];
  return content.filter((p): p is ImagePart => p.type === 'image_url');
}

/** True when any message carries an image. */
export function hasImages(messages: readonly ChatMessage[]): boolean {
  for (const m of messages) if (Array.isArray(m.content) && m.content.some((p) => p.type === 'image_url')) return true;
  return false;
}

/** Parts as the gateway hands them to plugins: a plain string when there is nothing but text. */
export function normalizeContent(parts: ContentPart[]): string | ContentPart[] {
  return parts.some((p) => p.type !== 'text') ? parts : textOf(parts);
}

/** A base64 data URL's media type and payload; undefined for anything else (an https URL...). */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([\w.+-]+\/[\w.+-]+);base64,/i.exec(url);
  return match ? { mediaType: match[1].toLowerCase(), data: url.slice(match[0].length) } : undefined;
}

/** Bytes of a base64 payload, without decoding it. */
export function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}
