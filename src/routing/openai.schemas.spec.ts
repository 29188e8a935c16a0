import { chatCompletionRequest, describeRequestIssue } from './openai.schemas';
import { toRouteRequest } from './openai.mapper';

const issue = (body: Record<string, unknown>) => {
  const parsed = chatCompletionRequest.safeParse({ model: 'auto', ...body });
  if (parsed.success) throw new Error('expected the body to be refused');
  return describeRequestIssue(parsed.error);
};
const user = (content: unknown) => ({ messages: [{ role: 'user', content }] });

describe('the chat-completions request schema', () => {
  it('takes null as "not set" for every optional field, and nothing null reaches the route request', () => {
    const body = chatCompletionRequest.parse({
      ...user('hi'),
      temperature: null,
      top_p: null,
      max_tokens: null,
      max_completion_tokens: null,
      n: null,
      seed: null,
      stream: null,
      stream_options: null,
      tools: null,
      tool_choice: null,
      user: null,
      logprobs: null,
      metadata: null,
    });
    const route = toRouteRequest(body, 'r');
    expect(route.params).toEqual({});
    expect(route.stream).toBe(false);
  });

  it('names the field of an image part that is not a data URL or https, and a part of another type', () => {
    expect(issue(user([{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }]))).toEqual({
      message:
        'Invalid request: messages[0].content[0].image_url.url must be a base64 data URL (data:image/png;base64,...) or an https URL',
      param: 'messages[0].content[0].image_url.url',
    });
    expect(
      issue(
        user([
          { type: 'text', text: 'x' },
          { type: 'input_audio', input_audio: {} },
        ]),
      ),
    ).toEqual({
      message:
        'Invalid request: messages[0].content[1].type must be a text or image_url part (audio and file parts are not supported)',
      param: 'messages[0].content[1].type',
    });
    expect(issue(user(42)).param).toBe('messages[0].content');
  });

  it('passes image parts on; text-only parts become one string', () => {
    const parts = [
      { type: 'text', text: 'a' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
    ];
    const route = toRouteRequest(chatCompletionRequest.parse(user(parts)), 'r');
    expect(route.messages[0].content).toEqual(parts);
    const text = toRouteRequest(
      chatCompletionRequest.parse(
        user([
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ]),
      ),
      'r',
    );
    expect(text.messages[0].content).toBe('a\nb');
  });

  it('takes function tools only, and a tool_choice of the known shapes', () => {
    expect(issue({ ...user('x'), tools: [{ type: 'custom', custom: { name: 'f' } }] })).toEqual({
      message: 'Invalid request: tools[0].type only function tools are supported',
      param: 'tools[0].type',
    });
    expect(issue({ ...user('x'), tools: [{ type: 'function', function: { name: 'has space' } }] }).param).toBe(
      'tools[0].function.name',
    );
    expect(issue({ ...user('x'), tool_choice: 'sometimes' }).message).toContain('tool_choice must be "auto", "none"');
  });
});
